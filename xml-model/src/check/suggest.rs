//! "Did you mean": the allowed name or value nearest to one the schema does not allow,
//! when they differ as a slip of the keys does (`<disc>` for `<disk>`, `fiel` for `file`,
//! `currentmemory` for `currentMemory`).

/// Longest name or value compared: a longer one is no slip of the keys, and the cost of
/// comparing grows with its length.
const LONGEST: usize = 64;

/// The candidate nearest to `found` when at most a third of its characters (at least one)
/// differ, letter case aside; the first of the nearest, in the candidates' order.
pub(crate) fn nearest<'a>(found: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let found: Vec<char> = found.chars().flat_map(char::to_lowercase).collect();
    if found.is_empty() || found.len() > LONGEST {
        return None;
    }
    let mut best: Option<(usize, &str)> = None;
    let mut lower = Vec::new();
    for c in candidates {
        lower.clear();
        lower.extend(c.chars().flat_map(char::to_lowercase));
        let allowed = (found.len().min(lower.len()) / 3).max(1);
        // Lengths further apart than that take more edits: no table needed.
        if lower.len() > LONGEST || lower.len().abs_diff(found.len()) > allowed {
            continue;
        }
        let d = distance(&found, &lower);
        if d <= allowed && !best.is_some_and(|(b, _)| d >= b) {
            best = Some((d, c));
        }
    }
    best.map(|(_, c)| c)
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
        assert_eq!(nearest("disc", devices), Some("disk"));
        assert_eq!(nearest("hsotdev", devices), Some("hostdev"));
        assert_eq!(nearest("Interface", devices), Some("interface"));
        assert_eq!(nearest("filesystems", devices), Some("filesystem"));
        assert_eq!(nearest("graphics", devices), None);
        assert_eq!(nearest("", devices), None);
        assert_eq!(nearest(&"d".repeat(1000), devices), None);
        assert_eq!(nearest("fiel", ["file", "startupPolicy"]), Some("file"));
        // The nearest wins over one also near enough; of equals, the first.
        assert_eq!(nearest("disks", ["dis", "disk"]), Some("disk"));
        assert_eq!(nearest("vdx", ["vda", "vdb"]), Some("vda"));
        assert_eq!(nearest("currentmemory", ["memory", "currentMemory"]), Some("currentMemory"));
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
