//! "Did you mean …?": the closest word among the accepted ones (Damerau–Levenshtein via
//! `strsim`, plus prefixes), or nothing when no word is close enough to be a typo.

/// The candidate closest to `typed`, if it is plausibly what was meant: `typed` is a
/// prefix of it (`att` → `attendance`), or it is within a few edits (`inivte` → `invite`,
/// `tema` → `team`). Case is ignored.
pub fn closest<'a>(typed: &str, candidates: &[&'a str]) -> Option<&'a str> {
    let typed = typed.to_lowercase();
    let typed_len = typed.chars().count();
    if typed_len == 0 || typed_len > 64 {
        return None;
    }
    let allowed = match typed_len {
        0..=2 => 1,
        3..=5 => 2,
        _ => 3,
    };
    let mut best: Option<(usize, &'a str)> = None;
    for &candidate in candidates {
        let lower = candidate.to_lowercase();
        let distance = if typed_len >= 2 && lower.starts_with(&typed) {
            1
        } else {
            strsim::damerau_levenshtein(&typed, &lower)
        };
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, candidate));
        }
    }
    best.map(|(_, c)| c)
}

/// ` Did you mean `x`?` (with its leading space), or nothing.
pub fn did_you_mean(typed: &str, candidates: &[&str]) -> String {
    closest(typed, candidates)
        .map(|c| format!(" Did you mean `{c}`?"))
        .unwrap_or_default()
}

/// `a, b, c or d`, each word in backticks.
pub fn one_of(words: &[&str]) -> String {
    let quoted: Vec<String> = words.iter().map(|w| format!("`{w}`")).collect();
    match quoted.split_last() {
        None => String::new(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} or {last}", rest.join(", ")),
    }
}
