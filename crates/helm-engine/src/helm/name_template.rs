//! Helm's `--name-template`: a release name from a template that runs with Sprig's functions
//! alone (with `env` and `expandenv`, without Helm's `include`, `toYaml`, ...) and no data.

use std::rc::Rc;

use super::engine::{RenderOptions, STACK_SIZE};
use crate::funcs::{FuncEnv, is_sprig_function, sprig_functions};
use crate::template::exec::{Runtime, TemplateSet, execute};
use crate::template::parser::parse;

/// The name Helm's `TemplateName` makes of `text`, or its error as Go words it (`template:
/// name-template:1: function "include" not defined`). Of `opts`, only the random seed, the
/// clock and the time zone count. Runs on the calling thread, which needs
/// [`crate::RENDER_STACK_SIZE`] of stack.
pub fn render_name_template(text: &str, opts: &RenderOptions) -> Result<String, String> {
    const NAME: &str = "name-template";
    let trees = parse(NAME, text, &is_sprig_function)
        .map_err(|e| format!("template: {}:{}: {}", e.name, e.line, e.message))?;
    let env = FuncEnv::new(opts.seed, opts.now, opts.time_zone.as_deref())?;
    env.start_template(NAME);
    let mut set = TemplateSet::new(NAME);
    set.add_trees(trees);
    let runtime = Runtime::new(Rc::new(sprig_functions(env)), STACK_SIZE);
    execute(&runtime, &Rc::new(set), NAME, None).map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn name(text: &str) -> Result<String, String> {
        std::thread::Builder::new()
            .stack_size(STACK_SIZE)
            .spawn({
                let text = text.to_string();
                move || render_name_template(&text, &RenderOptions::default())
            })
            .unwrap()
            .join()
            .unwrap()
    }

    #[test]
    fn runs_with_sprig_alone_and_no_data() {
        assert_eq!(name("{{ \"Ab\" | lower }}-{{ .Release.Name }}").unwrap(), "ab-<no value>");
        assert_eq!(name("{{ mustToJson . }}").unwrap(), "null");
        assert_eq!(name("{{ fromJson \"[1]\" | len }}").unwrap(), "1");
        for helm_only in
            ["include \"x\" .", "toYaml 1", "required \"a\" 1", "tpl \"a\" .", "lookup \"\" \"\" \"\" \"\""]
        {
            let word = helm_only.split(' ').next().unwrap();
            assert_eq!(
                name(&format!("{{{{ {helm_only} }}}}")).unwrap_err(),
                format!("template: name-template:1: function \"{word}\" not defined")
            );
        }
        assert_eq!(
            name("{{ fail \"boom\" }}").unwrap_err(),
            "template: name-template:1:3: executing \"name-template\" at <fail \"boom\">: error calling fail: boom"
        );
    }

    #[test]
    fn seeded_names_repeat() {
        let opts = RenderOptions { seed: Some([7; 32]), ..RenderOptions::default() };
        let run = || {
            let opts = opts.clone();
            std::thread::Builder::new()
                .stack_size(STACK_SIZE)
                .spawn(move || render_name_template("{{ randAlphaNum 12 | lower }}", &opts))
                .unwrap()
                .join()
                .unwrap()
                .unwrap()
        };
        assert_eq!(run(), run());
        assert_eq!(run().len(), 12);
    }
}
