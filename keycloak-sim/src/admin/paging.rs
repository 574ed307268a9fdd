//! `first`/`max` paging exactly as Keycloak applies it (`StreamsUtil.paginatedStream`):
//! `first` is ignored unless positive, `max` is ignored when negative, and `max=0` yields nothing.

use serde::Deserialize;

/// Keycloak's `Constants.DEFAULT_MAX_RESULTS`, used where an endpoint declares `@DefaultValue("100")`.
pub const DEFAULT_MAX_RESULTS: i32 = 100;

/// The raw query parameters; values that are not 32-bit integers make the request fail with 404,
/// as JAX-RS does for an unconvertible `@QueryParam Integer` (exact body UNCONFIRMED).
#[derive(Debug, Default, Deserialize)]
pub struct PageQuery {
    pub first: Option<String>,
    pub max: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Page {
    first: Option<i32>,
    max: Option<i32>,
}

/// A query parameter that is present but not an integer.
#[derive(Debug, PartialEq, Eq)]
pub struct NotAnInteger;

impl Page {
    /// Paging for endpoints whose `max` defaults to [`DEFAULT_MAX_RESULTS`].
    pub fn with_default_max(query: &PageQuery) -> Result<Self, NotAnInteger> {
        Ok(Page {
            first: parse(query.first.as_deref())?,
            max: Some(parse(query.max.as_deref())?.unwrap_or(DEFAULT_MAX_RESULTS)),
        })
    }

    /// Paging for endpoints without a default `max` (e.g. `GET /clients`): everything by default.
    pub fn unbounded_by_default(query: &PageQuery) -> Result<Self, NotAnInteger> {
        Ok(Page {
            first: parse(query.first.as_deref())?,
            max: parse(query.max.as_deref())?,
        })
    }

    /// How many items to skip.
    pub fn skip(&self) -> usize {
        match self.first {
            Some(first) if first > 0 => first as usize,
            _ => 0,
        }
    }

    /// How many items at most to return; `None` means no limit.
    pub fn limit(&self) -> Option<usize> {
        match self.max {
            Some(max) if max >= 0 => Some(max as usize),
            _ => None,
        }
    }

    pub fn apply<T>(&self, items: impl Iterator<Item = T>) -> Vec<T> {
        let items = items.skip(self.skip());
        match self.limit() {
            Some(limit) => items.take(limit).collect(),
            None => items.collect(),
        }
    }
}

fn parse(value: Option<&str>) -> Result<Option<i32>, NotAnInteger> {
    match value {
        None => Ok(None),
        Some(text) => text.trim().parse().map(Some).map_err(|_| NotAnInteger),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn query(first: Option<&str>, max: Option<&str>) -> PageQuery {
        PageQuery {
            first: first.map(str::to_owned),
            max: max.map(str::to_owned),
        }
    }

    fn page_of_ten(first: Option<&str>, max: Option<&str>) -> Vec<i32> {
        Page::with_default_max(&query(first, max))
            .unwrap()
            .apply(0..10)
    }

    #[test]
    fn keycloak_paging_rules() {
        assert_eq!(page_of_ten(Some("8"), None), vec![8, 9]);
        assert_eq!(page_of_ten(Some("10"), None), Vec::<i32>::new());
        assert_eq!(page_of_ten(Some("-5"), Some("2")), vec![0, 1]);
        assert_eq!(page_of_ten(None, Some("0")), Vec::<i32>::new());
        assert_eq!(page_of_ten(None, Some("-1")), (0..10).collect::<Vec<_>>());
        let many = Page::with_default_max(&query(None, None))
            .unwrap()
            .apply(0..500);
        assert_eq!(many.len(), 100);
        let all = Page::unbounded_by_default(&query(None, None))
            .unwrap()
            .apply(0..500);
        assert_eq!(all.len(), 500);
    }

    #[test]
    fn non_integers_are_rejected() {
        assert_eq!(
            Page::with_default_max(&query(Some("abc"), None)),
            Err(NotAnInteger)
        );
        assert_eq!(
            Page::with_default_max(&query(None, Some("4294967296"))),
            Err(NotAnInteger)
        );
    }
}
