//! The mention engine: finds, in Korean visit-report text, every mention of a directory
//! entry by name or alias, and offers names the directory does not know yet.
//!
//! Pure: no web, database or file access. The caller builds a [`Dictionary`] from the
//! directory (off the request path: it takes about half a second for 100,000 entries), keeps it in a
//! [`LiveDictionary`] so edits apply at once, and calls `find` on report text.
//!
//! Pipeline (see KOREAN.md for the language facts):
//! 1. [`normalize`]: NFC, then fold spaces, dots, quotes, dashes, full-width forms and
//!    company markers, keeping a map back to the original.
//! 2. [`matcher`]: leftmost-longest matches of a character trie ([`trie`]) over the folded
//!    text, with Korean boundary checks ([`particles`]): 와디즈는 is 와디즈, 바른참여연대 is not 바른참.
//! 3. [`fuzzy`]: names of 5+ syllables within one edit (성동사경세터).
//! 4. [`candidates`]: quoted, ㈜-marked and 협동조합/센터/…-suffixed names with no entry.
//!
//! Derived aliases ([`derive`]) add 사경 abbreviations and district short forms at build time.

mod candidates;
mod derive;
mod dictionary;
mod fuzzy;
mod live;
mod matcher;
mod mention;
mod normalize;
pub(crate) mod particles;
mod tokens;
mod trie;

#[cfg(test)]
mod bench_tests;
#[cfg(test)]
mod find_tests;
#[cfg(test)]
mod seed_tests;

pub use dictionary::{DictEntry, Dictionary, DictionaryBuilder, DictionaryError};
pub use live::LiveDictionary;
pub use matcher::{FindOptions, Stage};
pub use mention::{Mention, Method};
pub use normalize::normalize_with_map;
