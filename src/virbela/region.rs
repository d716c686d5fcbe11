//! `Region`: where Virbela hosts a campus, and the base URLs that follow from it.

use std::fmt;
use std::str::FromStr;

use url::Url;

/// A Virbela hosting region.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub enum Region {
    /// North America (app.virbela.com).
    #[default]
    Us,
    /// Europe (app-eu.virbela.com).
    Eu,
    /// Australia (app-aus.virbela.com).
    Aus,
}

/// Why a region was refused.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not a Virbela region: use us, eu or aus")]
pub struct RegionError(pub String);

impl Region {
    pub fn as_str(self) -> &'static str {
        match self {
            Region::Us => "us",
            Region::Eu => "eu",
            Region::Aus => "aus",
        }
    }

    /// Base URL of the customer API.
    pub fn api_base_url(self) -> Url {
        parse_static(match self {
            Region::Us => "https://gateway-us.virbela.com/",
            Region::Eu => "https://gateway-eu.virbela.com/",
            Region::Aus => "https://gateway-aus.virbela.com/",
        })
    }

    /// Base URL of the Product API (private spaces). Australia shares the US one.
    pub fn product_base_url(self) -> Url {
        parse_static(match self {
            Region::Us | Region::Aus => "https://virbela-product-api.herokuapp.com/",
            Region::Eu => "https://virbela-product-api-eu.herokuapp.com/",
        })
    }
}

fn parse_static(s: &'static str) -> Url {
    // The literals above are valid URLs; a failure here is a typo caught by the tests.
    Url::parse(s).unwrap_or_else(|e| panic!("built-in URL {s} is invalid: {e}"))
}

impl FromStr for Region {
    type Err = RegionError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s.trim().to_ascii_lowercase().as_str() {
            "us" => Ok(Region::Us),
            "eu" => Ok(Region::Eu),
            "aus" => Ok(Region::Aus),
            _ => Err(RegionError(s.to_string())),
        }
    }
}

impl fmt::Display for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_region_has_the_documented_urls() {
        assert_eq!(
            Region::Us.api_base_url().as_str(),
            "https://gateway-us.virbela.com/"
        );
        assert_eq!(
            Region::Eu.api_base_url().as_str(),
            "https://gateway-eu.virbela.com/"
        );
        assert_eq!(
            Region::Aus.api_base_url().as_str(),
            "https://gateway-aus.virbela.com/"
        );
        assert_eq!(
            Region::Aus.product_base_url(),
            Region::Us.product_base_url(),
            "Australia uses the US product API"
        );
        assert_eq!(
            Region::Eu.product_base_url().as_str(),
            "https://virbela-product-api-eu.herokuapp.com/"
        );
    }

    #[test]
    fn unknown_regions_are_refused() {
        assert_eq!("EU".parse::<Region>(), Ok(Region::Eu));
        let err = "asia".parse::<Region>().expect_err("asia");
        assert!(err.to_string().contains("us, eu or aus"));
    }
}
