//! E-mail addresses used as sign-in names.

use std::fmt;

/// A lowercased, trimmed e-mail address with one `@`, a non-empty local part and a dotted
/// domain. Not a full RFC 5322 parser: enough to catch typos in sign-in names.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Email(String);

/// Why an e-mail address was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("이메일 주소 형식이 올바르지 않습니다 (예: name@example.org)")]
pub struct EmailError;

impl Email {
    /// Parses and normalises an address.
    pub fn parse(s: &str) -> Result<Self, EmailError> {
        let s = s.trim().to_lowercase();
        let (local, domain) = s.split_once('@').ok_or(EmailError)?;
        let ok = !local.is_empty()
            && s.len() <= 254
            && !domain.contains('@')
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s
                .chars()
                .any(|c| c.is_whitespace() || c.is_control() || "<>\"'(),;:\\[]".contains(c));
        if ok { Ok(Email(s)) } else { Err(EmailError) }
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_and_accepts_ordinary_addresses() {
        assert_eq!(
            Email::parse(" Staff@Center.OR.KR ").unwrap().as_str(),
            "staff@center.or.kr"
        );
    }

    #[test]
    fn refuses_malformed_addresses() {
        for bad in [
            "", "a", "a@", "@b.c", "a@b", "a@@b.c", "a b@c.d", "a@.b", "a@b.", "<a>@b.c",
        ] {
            assert_eq!(Email::parse(bad), Err(EmailError), "{bad}");
        }
    }
}
