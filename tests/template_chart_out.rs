//! `mailu-chart template chart-out` prints exactly what `helm template` prints, byte for byte,
//! for every values example.

mod common;

use assert_cmd::Command;

#[test]
fn template_of_chart_out_is_byte_identical_to_helm() {
    let helms = common::helms();
    for example in common::examples() {
        let ours = Command::cargo_bin("mailu-chart")
            .unwrap()
            .current_dir(common::root())
            .args(["template", "chart-out", "--release-name", "mailu", "-n", "mailu", "-f"])
            .arg(&example)
            .output()
            .unwrap();
        assert!(ours.status.success(), "{}", String::from_utf8_lossy(&ours.stderr));
        for (name, helm) in &helms {
            let path = example.display().to_string();
            let args = ["template", "mailu", "chart-out", "-n", "mailu", "-f", &path];
            let theirs = common::command(helm).args(args).current_dir(common::root()).output().unwrap();
            assert!(theirs.status.success(), "{name}: {}", String::from_utf8_lossy(&theirs.stderr));
            if ours.stdout != theirs.stdout {
                let (a, b) = (String::from_utf8_lossy(&ours.stdout), String::from_utf8_lossy(&theirs.stdout));
                let first = a.lines().zip(b.lines()).position(|(x, y)| x != y).unwrap_or(a.lines().count());
                panic!(
                    "{name} on {}: outputs differ at line {}:\n ours: {:?}\nhelm: {:?}",
                    common::short(&example),
                    first + 1,
                    a.lines().nth(first),
                    b.lines().nth(first)
                );
            }
        }
    }
}
