//! Text normalisation for sorting, filtering and search: lower case, accents stripped (the
//! portal speaks es, pt-BR, ro and en), anything but letters and digits is a word break.
//! The same folding is applied when indexing and when querying, so "Cafe", "café" and "CAFÉ"
//! are one word.

/// Smallest search term that can drive a query (the search partitions are keyed by the first
/// [`PARTITION_CHARS`] characters of a word).
pub const PARTITION_CHARS: usize = 2;
/// Upper bound of words indexed per item (keeps an item's write a single transaction).
pub const MAX_TOKENS_PER_ITEM: usize = 40;

/// Maps one character to its unaccented lower-case ASCII form, or a space when it is not a
/// letter or digit. Letters outside the table (e.g. Greek, CJK) are kept, lower-cased.
fn fold_char(c: char, out: &mut String) {
    let lower = c.to_lowercase();
    for c in lower {
        let mapped = match c {
            'á' | 'à' | 'â' | 'ä' | 'ã' | 'å' | 'ă' | 'ā' | 'ą' => "a",
            'é' | 'è' | 'ê' | 'ë' | 'ē' | 'ę' | 'ě' => "e",
            'í' | 'ì' | 'î' | 'ï' | 'ī' | 'į' => "i",
            'ó' | 'ò' | 'ô' | 'ö' | 'õ' | 'ø' | 'ō' | 'ő' => "o",
            'ú' | 'ù' | 'û' | 'ü' | 'ū' | 'ů' | 'ű' => "u",
            'ý' | 'ÿ' => "y",
            'ñ' | 'ń' | 'ň' => "n",
            'ç' | 'ć' | 'č' => "c",
            'ș' | 'ş' | 'ś' | 'š' => "s",
            'ț' | 'ţ' | 'ť' => "t",
            'ž' | 'ź' | 'ż' => "z",
            'ł' => "l",
            'ď' => "d",
            'ř' => "r",
            'ß' => "ss",
            'æ' => "ae",
            'œ' => "oe",
            c if c.is_alphanumeric() => {
                out.push(c);
                continue;
            }
            _ => " ",
        };
        out.push_str(mapped);
    }
}

/// Folded text with single spaces between words and none at the ends.
pub fn fold(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for c in text.chars() {
        fold_char(c, &mut folded);
    }
    folded.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The words of a text, folded.
pub fn words(text: &str) -> Vec<String> {
    fold(text)
        .split(' ')
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect()
}

/// A stable key for a type or brand ("Power Tools" and "power-tools" are the same type):
/// folded words joined by `-`. Empty when the text has no letter or digit.
pub fn key_of(text: &str) -> String {
    fold(text).replace(' ', "-")
}

/// The name part of listing sort keys: folded, truncated so index keys stay small.
pub fn sort_name(name: &str) -> String {
    let folded = fold(name);
    folded.chars().take(60).collect()
}

/// The words an item is found by: its name, brand and SKU words, plus the SKU without
/// separators (so "abc12" finds `ABC-123`). Words shorter than [`PARTITION_CHARS`] are left out,
/// and so is a word that is a prefix of another kept word ("drill" when "drills" is there):
/// any search prefix of the shorter word also matches the longer one, so nothing is lost and
/// the index stays smaller. Sorted and unique.
pub fn index_tokens(name: &str, brand: &str, sku: &str) -> Vec<String> {
    let mut all: Vec<String> = words(name)
        .into_iter()
        .chain(words(brand))
        .chain(words(sku))
        .chain(std::iter::once(fold(sku).replace(' ', "")))
        .filter(|w| w.chars().count() >= PARTITION_CHARS)
        .collect();
    all.sort();
    all.dedup();
    // Sorted: a word's extensions follow it directly, so comparing with the next is enough.
    let mut kept: Vec<String> = Vec::with_capacity(all.len());
    for (i, word) in all.iter().enumerate() {
        let extended = all
            .get(i + 1)
            .is_some_and(|next| next.starts_with(word.as_str()));
        if !extended {
            kept.push(word.clone());
        }
    }
    kept.truncate(MAX_TOKENS_PER_ITEM);
    kept
}

/// The search partition of a word: its first [`PARTITION_CHARS`] characters.
pub fn partition_of(word: &str) -> String {
    word.chars().take(PARTITION_CHARS).collect()
}

/// Whether every term is a prefix of one of the words (search semantics: all terms, each as a
/// word prefix).
pub fn matches_all(terms: &[String], words: &[String]) -> bool {
    terms
        .iter()
        .all(|t| words.iter().any(|w| w.starts_with(t.as_str())))
}

/// The search terms of a query string, longest first (the longest usually selects fewest
/// items, so it drives the query and the rest filter).
pub fn query_terms(q: &str) -> Vec<String> {
    let mut terms = words(q);
    terms.sort_by(|a, b| b.chars().count().cmp(&a.chars().count()).then(a.cmp(b)));
    terms.dedup();
    terms
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_accents_case_and_punctuation() {
        assert_eq!(fold("  Café CON Leche, ñandú!  "), "cafe con leche nandu");
        assert_eq!(fold("Șurub țeavă"), "surub teava");
        assert_eq!(fold("Ação"), "acao");
        assert_eq!(key_of("Power Tools"), "power-tools");
        assert_eq!(key_of("power-tools"), "power-tools");
        assert_eq!(key_of("--"), "");
    }

    #[test]
    fn tokens_drop_short_words_and_covered_prefixes() {
        let tokens = index_tokens("Drill drills 3 x Bosch", "Bosch", "AB-12");
        // "ab" is a prefix of "ab12" and "drill" of "drills": both covered.
        assert_eq!(tokens, vec!["12", "ab12", "bosch", "drills"]);
        let tokens = index_tokens("Tornillo", "", "ZX-12");
        assert_eq!(tokens, vec!["12", "tornillo", "zx12"]);
    }

    #[test]
    fn matching_is_prefix_per_term() {
        let words = words("Taladro percutor Bosch 500W");
        assert!(matches_all(&query_terms("tal bosch"), &words));
        assert!(matches_all(&query_terms("PERCU"), &words));
        assert!(!matches_all(&query_terms("tal makita"), &words));
        assert_eq!(query_terms("a bosch tal"), vec!["bosch", "tal", "a"]);
    }
}
