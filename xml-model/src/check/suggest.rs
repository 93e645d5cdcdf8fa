//! "Did you mean": the allowed name or value nearest to one the schema does not allow,
//! when they differ as a slip of the keys does (`<disc>` for `<disk>`, `fiel` for `file`,
//! `currentmemory` for `currentMemory`).

/// Longest name or value compared: a longer one is no slip of the keys, and the cost of
/// comparing grows with its length.
const LONGEST: usize = 64;

/// Which candidate `found` is a slip of the keys for, letter case aside: one that differs
/// in at most a third of its characters (one of three or more), or that `found` begins (`of`
/// for `off`, `lvm` for `lvm2`). Of several, the fewest edits wins, then one `found` begins,
/// then the first. Two letters that differ in one (`cd`, `hd`) are no slip: half is changed.
pub(crate) fn nearest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<usize> {
    let found: Vec<char> = found.chars().flat_map(char::to_lowercase).collect();
    if found.is_empty() || found.len() > LONGEST {
        return None;
    }
    // (edits, not begun by `found`, index): the smallest wins.
    let mut best: Option<(usize, bool, usize)> = None;
    let mut lower = Vec::new();
    for (i, c) in candidates.into_iter().enumerate() {
        lower.clear();
        lower.extend(c.chars().flat_map(char::to_lowercase));
        if lower.len() > LONGEST {
            continue;
        }
        let begun = found.len() >= 2 && lower.len() > found.len() && lower.starts_with(&found);
        let shorter = found.len().min(lower.len());
        let allowed = match (begun, shorter) {
            (true, _) => (lower.len() / 3).max(1),
            (false, 0..=2) => 0,
            (false, n) => n / 3,
        };
        // Lengths further apart than that take more edits: no table needed.
        if lower.len().abs_diff(found.len()) > allowed {
            continue;
        }
        let d = distance(&found, &lower);
        if d <= allowed && best.map_or(true, |b| (d, !begun, i) < b) {
            best = Some((d, !begun, i));
        }
    }
    best.map(|(_, _, i)| i)
}

/// Edits (insert, delete, replace, swap of two neighbours) that turn `a` into `b`, both at
/// most [`LONGEST`] long: the optimal string alignment distance.
fn distance(a: &[char], b: &[char]) -> usize {
    // Three rows of the table, on the stack: the one before the previous is for swaps.
    let mut before = [0usize; LONGEST + 1];
    let mut previous = [0usize; LONGEST + 1];
    let mut current = [0usize; LONGEST + 1];
    for (j, cell) in previous.iter_mut().enumerate().take(b.len() + 1) {
        *cell = j;
    }
    for i in 1..=a.len() {
        current[0] = i;
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut d = (previous[j] + 1).min(current[j - 1] + 1).min(previous[j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                d = d.min(before[j - 2] + 1);
            }
            current[j] = d;
        }
        std::mem::swap(&mut before, &mut previous);
        std::mem::swap(&mut previous, &mut current);
    }
    previous[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn slips_of_the_keys_are_found_and_other_names_are_not() {
        let devices = ["audio", "disk", "filesystem", "hostdev", "interface", "memballoon"];
        let near = |found: &str, candidates: &[&'static str]| {
            nearest(found, candidates.iter().copied()).map(|i| candidates[i])
        };
        assert_eq!(near("disc", &devices), Some("disk"));
        assert_eq!(near("hsotdev", &devices), Some("hostdev"));
        assert_eq!(near("Interface", &devices), Some("interface"));
        assert_eq!(near("filesystems", &devices), Some("filesystem"));
        assert_eq!(near("graphics", &devices), None);
        assert_eq!(near("", &devices), None);
        assert_eq!(near(&"d".repeat(1000), &devices), None);
        assert_eq!(near("fiel", &["file", "startupPolicy"]), Some("file"));
        assert_eq!(near("currentmemory", &["memory", "currentMemory"]), Some("currentMemory"));
        // The fewest edits win; of equals, one `found` begins, then the first.
        assert_eq!(near("disks", &["dis", "disk"]), Some("disk"));
        assert_eq!(near("of", &["on", "off"]), Some("off"));
        assert_eq!(near("lvm", &["logical", "lvm2"]), Some("lvm2"));
        assert_eq!(near("vdx", &["vda", "vdb"]), Some("vda"));
        // One letter of two is half of it: no guess.
        assert_eq!(near("cd", &["hd", "fd", "cdrom", "network"]), None);
        assert_eq!(near("vd", &["sd", "virtio"]), None);
        assert_eq!(near("NFS", &["fs", "netfs", "dir"]), None);
    }

    #[test]
    fn distance_counts_swaps_as_one_edit() {
        let d = |a: &str, b: &str| distance(&a.chars().collect::<Vec<_>>(), &b.chars().collect::<Vec<_>>());
        assert_eq!(d("fiel", "file"), 1);
        assert_eq!(d("disk", "disk"), 0);
        assert_eq!(d("", "abc"), 3);
        assert_eq!(d("kitten", "sitting"), 3);
    }
}
