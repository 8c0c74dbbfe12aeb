//! The inputs named on the command line, as files: a folder stands for every file under it and a
//! quoted pattern (`'states_2022-02-*.csv.tar'`) for every file it matches, in path order, so that
//! an archive of hourly files is named by its folder. Hidden files and licence or readme files are
//! left out of folders.

use anyhow::{bail, Context, Result};
use std::path::{Path, PathBuf};

/// Every input file, in the order named (a folder's or a pattern's files in path order).
pub fn expand(inputs: &[PathBuf]) -> Result<Vec<PathBuf>> {
    let mut files = Vec::new();
    for input in inputs {
        let text = input.to_string_lossy();
        if input.is_dir() {
            let before = files.len();
            walk(input, &mut files)?;
            files[before..].sort();
            if files.len() == before {
                bail!("{}: the folder holds no input files", input.display());
            }
        } else if !input.exists() && text.contains(['*', '?', '[']) {
            let mut matched: Vec<PathBuf> = glob::glob(&text)
                .with_context(|| format!("{text}: not a valid pattern"))?
                .filter_map(Result::ok)
                .filter(|p| p.is_file())
                .collect();
            if matched.is_empty() {
                bail!("{text}: the pattern matches no file");
            }
            matched.sort();
            files.extend(matched);
        } else {
            files.push(input.clone());
        }
    }
    Ok(files)
}

fn walk(dir: &Path, files: &mut Vec<PathBuf>) -> Result<()> {
    let entries =
        std::fs::read_dir(dir).with_context(|| format!("{}: cannot list", dir.display()))?;
    for entry in entries {
        let entry = entry.with_context(|| format!("{}: cannot list", dir.display()))?;
        let path = entry.path();
        let name = entry.file_name().to_string_lossy().to_ascii_lowercase();
        if name.starts_with('.')
            || name.starts_with("license")
            || name.starts_with("licence")
            || name.starts_with("readme")
        {
            continue;
        }
        if path.is_dir() {
            walk(&path, files)?;
        } else {
            files.push(path);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folders_and_patterns_become_their_files_in_path_order() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("2022-02-28/05")).unwrap();
        std::fs::create_dir_all(d.join("2022-02-28/04")).unwrap();
        for f in [
            "2022-02-28/05/states_2022-02-28-05.csv.tar",
            "2022-02-28/04/states_2022-02-28-04.csv.tar",
            "2022-02-28/LICENSE.txt",
            "2022-02-28/.hidden",
        ] {
            std::fs::write(d.join(f), "x").unwrap();
        }
        let got = expand(&[d.join("2022-02-28")]).unwrap();
        let names: Vec<String> = got
            .iter()
            .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
            .collect();
        assert_eq!(
            names,
            [
                "states_2022-02-28-04.csv.tar",
                "states_2022-02-28-05.csv.tar"
            ]
        );
        let pattern = d.join("2022-02-28/*/states_*.csv.tar");
        assert_eq!(expand(&[pattern]).unwrap(), got);
        let err = expand(&[d.join("nothing-*.csv")]).unwrap_err().to_string();
        assert!(err.contains("matches no file"), "{err}");
    }
}
