//! Korean business registration numbers (사업자등록번호): ten digits, written `123-45-67890`,
//! whose last digit is a check digit. Checking it catches most typos at the form.

use std::fmt;
use std::str::FromStr;

use unicode_normalization::UnicodeNormalization;

/// Weights of the official check-digit algorithm for digits 0..=8.
const WEIGHTS: [u32; 9] = [1, 3, 7, 1, 3, 7, 1, 3, 5];

/// A business registration number whose check digit is correct. Holds the ten digits.
#[derive(
    Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, serde::Serialize, serde::Deserialize,
)]
#[serde(try_from = "String", into = "String")]
pub struct BizRegNo(String);

/// Why a business registration number was rejected.
#[derive(Debug, Clone, Copy, PartialEq, Eq, thiserror::Error)]
pub enum BizRegNoError {
    /// Not exactly ten digits (after removing hyphens and spaces); also the empty input.
    #[error("사업자등록번호는 숫자 10자리입니다 (예: 123-45-67890)")]
    WrongLength,
    /// Something other than digits, hyphens and spaces.
    #[error("사업자등록번호에는 숫자와 '-'만 쓸 수 있습니다 (예: 123-45-67890)")]
    NotDigits,
    /// Ten digits, but the last one does not match: almost always a typo.
    #[error("사업자등록번호가 올바르지 않습니다. 숫자를 잘못 입력했는지 확인하세요")]
    CheckDigit,
}

impl BizRegNo {
    /// Parses ten digits, with or without hyphens and spaces, and verifies the check digit.
    pub fn parse(s: &str) -> Result<Self, BizRegNoError> {
        // NFKC turns full-width digits and hyphens (common in HWP documents) into ASCII.
        let mut digits = String::with_capacity(10);
        for c in s.nfkc() {
            match c {
                '0'..='9' => digits.push(c),
                '-' | '\u{2010}'..='\u{2015}' | '\u{2212}' => {}
                c if c.is_whitespace() => {}
                _ => return Err(BizRegNoError::NotDigits),
            }
        }
        if digits.len() != 10 {
            return Err(BizRegNoError::WrongLength);
        }
        let d: Vec<u32> = digits.bytes().map(|b| u32::from(b - b'0')).collect();
        if check_digit(&d[..9]) != d[9] {
            return Err(BizRegNoError::CheckDigit);
        }
        Ok(Self(digits))
    }

    /// The ten digits without separators, as stored.
    pub fn digits(&self) -> &str {
        &self.0
    }
}

/// The official algorithm: weighted sum of the first nine digits plus the tens of
/// `d8 * 5`, and the check digit is what brings the sum to a multiple of ten.
fn check_digit(first_nine: &[u32]) -> u32 {
    let weighted: u32 = first_nine.iter().zip(WEIGHTS).map(|(d, w)| d * w).sum();
    let carry = first_nine.get(8).map_or(0, |d8| d8 * 5 / 10);
    (10 - (weighted + carry) % 10) % 10
}

impl FromStr for BizRegNo {
    type Err = BizRegNoError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::parse(s)
    }
}

impl TryFrom<String> for BizRegNo {
    type Error = BizRegNoError;

    fn try_from(s: String) -> Result<Self, Self::Error> {
        Self::parse(&s)
    }
}

impl From<BizRegNo> for String {
    fn from(b: BizRegNo) -> Self {
        b.0
    }
}

impl fmt::Display for BizRegNo {
    /// The conventional `3-2-5` grouping.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let d = &self.0;
        match (d.get(..3), d.get(3..5), d.get(5..)) {
            (Some(a), Some(b), Some(c)) => f.pad(&format!("{a}-{b}-{c}")),
            _ => f.pad(d),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Completes nine digits with their check digit, straight from the algorithm.
    fn complete(first_nine: &str) -> String {
        let d: Vec<u32> = first_nine.bytes().map(|b| u32::from(b - b'0')).collect();
        format!("{first_nine}{}", check_digit(&d))
    }

    #[test]
    fn accepts_a_known_valid_number() {
        // Samsung Electronics, 124-81-00998. By hand: 1+6+28+8+3+0+0+27+45 = 118,
        // plus 9*5/10 = 4 gives 122, and (10 - 2) % 10 = 8, the last digit.
        let n = BizRegNo::parse("124-81-00998").expect("valid");
        assert_eq!(n.digits(), "1248100998");
        assert_eq!(n.to_string(), "124-81-00998");
    }

    #[test]
    fn accepts_every_separator_form() {
        let expected = BizRegNo::parse("1248100998").ok();
        assert!(expected.is_some());
        for input in [
            "124-81-00998",
            " 124 81 00998 ",
            "124–81–00998",
            "１２４－８１－００９９８",
        ] {
            assert_eq!(BizRegNo::parse(input).ok(), expected, "{input}");
        }
    }

    #[test]
    fn accepts_computed_numbers_and_rejects_their_neighbours() {
        for nine in [
            "105870123",
            "220811234",
            "000000000",
            "999999999",
            "101820000",
        ] {
            let valid = complete(nine);
            assert!(BizRegNo::parse(&valid).is_ok(), "{valid}");
            let last = valid.as_bytes()[9] - b'0';
            let wrong = format!("{nine}{}", (last + 1) % 10);
            assert_eq!(
                BizRegNo::parse(&wrong),
                Err(BizRegNoError::CheckDigit),
                "{wrong}"
            );
        }
        // The carry term matters: d8 = 9 adds 45 + 4 = 49, so the check digit is 1.
        assert_eq!(complete("000000009"), "0000000091");
    }

    #[test]
    fn rejects_the_format_example() {
        // "123-45-67890" only illustrates the format; its check digit would be 1.
        assert_eq!(
            BizRegNo::parse("123-45-67890"),
            Err(BizRegNoError::CheckDigit)
        );
        assert!(BizRegNo::parse("123-45-67891").is_ok());
    }

    #[test]
    fn rejects_wrong_lengths() {
        for bad in ["", "  ", "-", "124-81-0099", "124-81-009981", "1"] {
            assert_eq!(
                BizRegNo::parse(bad),
                Err(BizRegNoError::WrongLength),
                "{bad}"
            );
        }
    }

    #[test]
    fn rejects_non_digits() {
        for bad in ["124-81-0099a", "124.81.00998", "사업자번호", "124/81/00998"] {
            assert_eq!(BizRegNo::parse(bad), Err(BizRegNoError::NotDigits), "{bad}");
        }
    }

    #[test]
    fn serde_and_from_str_round_trip() {
        let n: BizRegNo = "124-81-00998".parse().expect("valid");
        let json = serde_json::to_string(&n).expect("serialize");
        assert_eq!(json, "\"1248100998\"");
        assert_eq!(
            serde_json::from_str::<BizRegNo>("\"124-81-00998\"").ok(),
            Some(n)
        );
        assert!(serde_json::from_str::<BizRegNo>("\"1248100999\"").is_err());
    }

    #[test]
    fn messages_are_korean() {
        assert!(BizRegNoError::WrongLength.to_string().contains("10자리"));
        assert!(BizRegNoError::NotDigits.to_string().contains("숫자"));
        assert!(
            BizRegNoError::CheckDigit
                .to_string()
                .contains("올바르지 않습니다")
        );
    }
}
