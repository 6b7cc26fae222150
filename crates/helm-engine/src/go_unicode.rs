//! Go's `unicode` classes (`IsUpper`, `IsLetter`, `IsNumber`, `IsPunct`, `IsPrint`, ...), by
//! general category. Rust's `char` methods use wider Unicode properties (`is_alphabetic`
//! takes marks and letter numbers, `is_uppercase` circled letters), so printing, quoting and
//! the string functions ask here instead.

use unicode_general_category::{GeneralCategory as G, get_general_category};

/// `unicode.IsUpper`: category Lu.
pub(crate) fn is_upper(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_uppercase();
    }
    get_general_category(c) == G::UppercaseLetter
}

/// `unicode.IsLower`: category Ll.
pub(crate) fn is_lower(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_lowercase();
    }
    get_general_category(c) == G::LowercaseLetter
}

/// `unicode.IsTitle`: category Lt (the digraphs `ǅ`, `ǈ`, `ǋ`, `ǲ` and some Greek letters).
pub(crate) fn is_title(c: char) -> bool {
    !c.is_ascii() && get_general_category(c) == G::TitlecaseLetter
}

/// `unicode.IsLetter`: any L category.
pub(crate) fn is_letter(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_alphabetic();
    }
    matches!(
        get_general_category(c),
        G::UppercaseLetter | G::LowercaseLetter | G::TitlecaseLetter | G::ModifierLetter | G::OtherLetter
    )
}

/// `unicode.IsMark`: any M category.
fn is_mark(c: char) -> bool {
    matches!(get_general_category(c), G::NonspacingMark | G::SpacingMark | G::EnclosingMark)
}

/// `unicode.IsDigit`: category Nd.
pub(crate) fn is_digit(c: char) -> bool {
    c.is_ascii_digit() || (!c.is_ascii() && get_general_category(c) == G::DecimalNumber)
}

/// `unicode.IsNumber`: any N category.
pub(crate) fn is_number(c: char) -> bool {
    if c.is_ascii() {
        return c.is_ascii_digit();
    }
    matches!(get_general_category(c), G::DecimalNumber | G::LetterNumber | G::OtherNumber)
}

/// `unicode.IsPunct`: any P category (`-`, `_`, `.`, `,`, brackets, quotes), but not the
/// symbols (`+`, `<`, `$`, `|`).
pub(crate) fn is_punct(c: char) -> bool {
    matches!(
        get_general_category(c),
        G::ConnectorPunctuation
            | G::DashPunctuation
            | G::OpenPunctuation
            | G::ClosePunctuation
            | G::InitialPunctuation
            | G::FinalPunctuation
            | G::OtherPunctuation
    )
}

/// `unicode.IsSymbol`: any S category.
fn is_symbol(c: char) -> bool {
    matches!(get_general_category(c), G::MathSymbol | G::CurrencySymbol | G::ModifierSymbol | G::OtherSymbol)
}

/// `unicode.IsPrint`: letters, marks, numbers, punctuation, symbols and the ASCII space.
pub(crate) fn is_print(c: char) -> bool {
    c == ' ' || is_letter(c) || is_mark(c) || is_number(c) || is_punct(c) || is_symbol(c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classes_follow_go_not_rust() {
        assert!(is_upper('A') && is_upper('Ü') && !is_upper('Ⓐ') && !is_upper('ǅ'));
        assert!(is_letter('ß') && !is_letter('Ⅻ') && !is_letter('\u{301}'));
        assert!(is_number('Ⅻ') && is_number('½') && !is_digit('½') && is_digit('٣'));
        assert!(is_punct('-') && is_punct('«') && !is_punct('+') && !is_punct('<'));
        assert!(is_print(' ') && is_print('é') && is_print('+') && !is_print('\u{a0}') && !is_print('\t'));
    }
}
