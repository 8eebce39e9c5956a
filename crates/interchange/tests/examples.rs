//! The example cities read cleanly and render back to exactly their bytes.

use std::path::{Path, PathBuf};

use gyokaku_interchange::{read_plan_dir, PlanFiles};

fn examples() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&root)
        .expect("examples/ exists")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.join("plan.yaml").exists())
        .collect();
    dirs.sort();
    assert!(
        dirs.len() >= 4,
        "expected the example plans, found {dirs:?}"
    );
    dirs
}

#[test]
fn every_example_is_in_canonical_form() {
    for dir in examples() {
        let doc = read_plan_dir(&dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display()));
        let files = PlanFiles::render(&doc).unwrap();
        let mut names: Vec<String> = std::fs::read_dir(&dir)
            .unwrap()
            .filter_map(|e| e.ok().map(|e| e.file_name().to_string_lossy().into_owned()))
            .collect();
        names.sort();
        let mut rendered: Vec<String> = files.0.iter().map(|(n, _)| n.to_string()).collect();
        rendered.sort();
        assert_eq!(
            names,
            rendered,
            "{}: the set of files differs",
            dir.display()
        );
        for (name, bytes) in &files.0 {
            let on_disk = std::fs::read(dir.join(name)).unwrap();
            if on_disk != *bytes {
                let a = String::from_utf8_lossy(&on_disk);
                let b = String::from_utf8_lossy(bytes);
                let line = a
                    .lines()
                    .zip(b.lines())
                    .position(|(x, y)| x != y)
                    .unwrap_or(0);
                panic!(
                    "{}/{name} is not canonical; first difference at line {}:\n file:   {:?}\n render: {:?}",
                    dir.display(),
                    line + 1,
                    a.lines().nth(line),
                    b.lines().nth(line)
                );
            }
        }
    }
}
