//! Typed configuration from flags and environment variables.
//!
//! Every value is parsed once here; a bad value becomes one line naming the
//! variable and the problem, so start-up never panics on configuration.

use std::fmt;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use clap::Parser;
use url::Url;

use crate::crypto::SealingKey;

/// Raw command line and environment, as strings. `Config::from_args` checks them.
#[derive(Debug, Parser)]
#[command(
    name = "offline-console",
    version,
    about = "A console for Keycloak offline access: offline sessions, consents, policies and self-service."
)]
pub struct Args {
    #[command(subcommand)]
    pub command: Option<Command>,

    /// Base URL of Keycloak 26 (or keycloak-sim), without /realms, e.g. https://sso.example.com
    #[arg(long, env = "KEYCLOAK_URL")]
    pub keycloak_url: Option<String>,

    /// Realm administrators sign in to; `master` lets cross-realm administrators manage every realm.
    #[arg(long, env = "ADMIN_REALM", default_value = "master")]
    pub admin_realm: String,

    /// Client id of the console's confidential OIDC client (the same id in every realm it serves).
    #[arg(long, env = "OIDC_CLIENT_ID", default_value = "offline-console")]
    pub client_id: String,

    /// Secret of the console's confidential OIDC client, for every realm without a secret of
    /// its own in OIDC_CLIENT_SECRETS or OIDC_CLIENT_SECRETS_FILE.
    #[arg(long, env = "OIDC_CLIENT_SECRET", hide_env_values = true)]
    pub client_secret: Option<String>,

    /// A secret per realm, `realm=secret` entries separated by commas, e.g.
    /// `master=…,tenant=…`: a tenant realm's administrators can read the console client's
    /// secret in their realm, so the admin realm should have its own.
    #[arg(long, env = "OIDC_CLIENT_SECRETS", hide_env_values = true)]
    pub client_secrets: Option<String>,

    /// A file of `realm=secret` lines (the same as OIDC_CLIENT_SECRETS, kept out of the
    /// process environment); `#` starts a comment.
    #[arg(long, env = "OIDC_CLIENT_SECRETS_FILE")]
    pub client_secrets_file: Option<PathBuf>,

    /// URL where browsers reach the console; redirect URIs derive from it (https makes cookies Secure).
    #[arg(long, env = "PUBLIC_URL", default_value = "http://127.0.0.1:3000")]
    pub public_url: String,

    /// Address and port to listen on (port 0 picks a free port).
    #[arg(long, env = "BIND_ADDR", default_value = "127.0.0.1:3000")]
    pub bind: String,

    /// Database URL; the default SQLite file is created on first start.
    #[arg(
        long,
        env = "DATABASE_URL",
        default_value = "sqlite://data/offline-console.db"
    )]
    pub database_url: String,

    /// How long a console sign-in lasts without activity: a number with s, m, h or d (e.g. 8h).
    #[arg(long, env = "SESSION_LIFETIME", default_value = "8h")]
    pub session_lifetime: String,

    /// How long one call to Keycloak may take in all (s, m, h or d), e.g. 15s.
    #[arg(long, env = "KEYCLOAK_TIMEOUT", default_value = "15s")]
    pub keycloak_timeout: String,

    /// How long connecting to Keycloak may take (s, m, h or d), e.g. 3s.
    #[arg(long, env = "KEYCLOAK_CONNECT_TIMEOUT", default_value = "3s")]
    pub keycloak_connect_timeout: String,

    /// Log filter: error, warn, info, debug, trace, or a tracing directive list.
    #[arg(long, env = "LOG_LEVEL", default_value = "info")]
    pub log_level: String,

    /// Log format: `text` for people, `json` for log collectors.
    #[arg(long, env = "LOG_FORMAT", default_value = "text")]
    pub log_format: String,

    /// Directory holding the built site (the `pkg/` bundle and public files).
    #[arg(long, env = "LEPTOS_SITE_ROOT", default_value = "target/site")]
    pub site_root: PathBuf,

    /// Requests handled at once; more wait their turn. Bounds memory under load.
    #[arg(long, env = "MAX_CONCURRENT_REQUESTS", default_value_t = 16,
          value_parser = clap::value_parser!(u16).range(1..))]
    pub max_concurrent_requests: u16,
    /// The most a client may take to send a request's headers, or its body; a connection
    /// idle this long is closed. A number with s, m, h or d.
    #[arg(long, env = "CLIENT_TIMEOUT", default_value = "10s")]
    pub client_timeout: String,

    /// The most a request may wait for one of the MAX_CONCURRENT_REQUESTS slots before it is
    /// answered 503 (the console is busy). A number with s, m, h or d.
    #[arg(long, env = "REQUEST_TIMEOUT", default_value = "30s")]
    pub request_timeout: String,

    /// Key encrypting the history's offline token at rest: 32 random bytes in base64
    /// (e.g. `openssl rand -base64 32`). Without it, history cannot be connected.
    #[arg(long, env = "HISTORY_KEY", hide_env_values = true)]
    pub history_key: Option<String>,

    /// Key sealing the console's sign-ins (their Keycloak tokens) in the database: 32 random
    /// bytes in base64 (e.g. `openssl rand -base64 32`). Without it the console generates one
    /// into `session.key` beside the database on first start and keeps using it. Changing it
    /// signs everyone out.
    #[arg(long, env = "SESSION_KEY", hide_env_values = true)]
    pub session_key: Option<String>,

    /// How often the history snapshot runs: a number with s, m, h or d (default nightly).
    #[arg(long, env = "HISTORY_INTERVAL", default_value = "24h")]
    pub history_interval: String,
}

/// What the binary does instead of serving, when named.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::Subcommand)]
pub enum Command {
    /// Fill keycloak-sim's (or a real Keycloak's) demo realm with offline sessions of varied
    /// ages, and the console's history with the daily counts they imply; then exit.
    SeedDemo,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum LogFormat {
    Text,
    Json,
}

/// A client secret; never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Secret(String);

impl Secret {
    pub fn new(secret: &str) -> Self {
        Secret(secret.to_owned())
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Secret(**redacted**)")
    }
}

#[derive(Debug, Clone)]
pub struct Config {
    /// `None`: serve.
    pub command: Option<Command>,
    pub keycloak_url: Url,
    pub admin_realm: String,
    pub client_id: String,
    pub client_secrets: crate::auth::client_secrets::ClientSecrets,
    pub public_url: Url,
    pub bind: SocketAddr,
    pub database_url: String,
    pub session_lifetime: Duration,
    pub keycloak_timeouts: crate::keycloak::Timeouts,
    pub log_level: String,
    pub log_format: LogFormat,
    pub site_root: PathBuf,
    pub max_concurrent_requests: usize,
    pub client_timeout: Duration,
    pub request_timeout: Duration,
    /// `None`: history cannot be connected (the overview says so).
    pub history_key: Option<SealingKey>,
    pub history_interval: Duration,
    /// `None`: the key file beside the database (see `auth::session_key`).
    pub session_key: Option<SealingKey>,
}

/// One line: `VARIABLE (--flag): problem`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError(String);

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "configuration error: {}", self.0)
    }
}

impl std::error::Error for ConfigError {}

fn problem(var: &str, flag: &str, what: impl fmt::Display) -> ConfigError {
    ConfigError(format!("{var} (--{flag}): {what}"))
}

impl Config {
    /// Parses the process's flags and environment.
    pub fn load() -> Result<Self, ConfigLoadError> {
        let args = Args::try_parse().map_err(ConfigLoadError::Cli)?;
        Config::from_args(args).map_err(ConfigLoadError::Invalid)
    }

    pub fn from_args(args: Args) -> Result<Self, ConfigError> {
        let keycloak_url =
            parse_base_url(args.keycloak_url.as_deref(), "KEYCLOAK_URL", "keycloak-url")?;
        let public_url = parse_base_url(Some(&args.public_url), "PUBLIC_URL", "public-url")?;
        let admin_realm = non_empty(&args.admin_realm, "ADMIN_REALM", "admin-realm")?;
        let client_id = non_empty(&args.client_id, "OIDC_CLIENT_ID", "client-id")?;
        let fallback = args
            .client_secret
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(Secret::new);
        let mut per_realm = match args.client_secrets.as_deref() {
            Some(text) => crate::auth::client_secrets::parse_pairs(text)
                .map_err(|why| problem("OIDC_CLIENT_SECRETS", "client-secrets", why))?,
            None => Default::default(),
        };
        if let Some(path) = &args.client_secrets_file {
            let (var, flag) = ("OIDC_CLIENT_SECRETS_FILE", "client-secrets-file");
            let text = std::fs::read_to_string(path)
                .map_err(|e| problem(var, flag, format!("cannot read {}: {e}", path.display())))?;
            for (realm, secret) in crate::auth::client_secrets::parse_pairs(&text)
                .map_err(|why| problem(var, flag, format!("{}: {why}", path.display())))?
            {
                if per_realm.insert(realm.clone(), secret).is_some() {
                    return Err(problem(
                        var,
                        flag,
                        format!("realm '{realm}' also has a secret in OIDC_CLIENT_SECRETS"),
                    ));
                }
            }
        }
        let client_secrets = crate::auth::client_secrets::ClientSecrets::new(fallback, per_realm);
        if client_secrets.is_empty() {
            return Err(problem(
                "OIDC_CLIENT_SECRET",
                "client-secret",
                "is required (the secret of the console's confidential client; or one per realm in OIDC_CLIENT_SECRETS)",
            ));
        }
        let bind = args.bind.parse::<SocketAddr>().map_err(|_| {
            problem(
                "BIND_ADDR",
                "bind",
                format!(
                    "'{}' is not an address:port such as 127.0.0.1:3000",
                    args.bind
                ),
            )
        })?;
        let database_url = parse_database_url(&args.database_url)?;
        let session_lifetime = parse_duration(&args.session_lifetime)
            .map_err(|why| problem("SESSION_LIFETIME", "session-lifetime", why))?;
        let keycloak_timeouts = crate::keycloak::Timeouts {
            total: parse_duration(&args.keycloak_timeout)
                .map_err(|why| problem("KEYCLOAK_TIMEOUT", "keycloak-timeout", why))?,
            connect: parse_duration(&args.keycloak_connect_timeout).map_err(|why| {
                problem("KEYCLOAK_CONNECT_TIMEOUT", "keycloak-connect-timeout", why)
            })?,
        };
        let log_format = match args.log_format.as_str() {
            "text" => LogFormat::Text,
            "json" => LogFormat::Json,
            other => {
                return Err(problem(
                    "LOG_FORMAT",
                    "log-format",
                    format!("'{other}' is not one of: text, json"),
                ))
            }
        };
        if tracing_subscriber::EnvFilter::try_new(&args.log_level).is_err() {
            return Err(problem(
                "LOG_LEVEL",
                "log-level",
                format!("'{}' is not a log level or filter", args.log_level),
            ));
        }
        let history_key = match args.history_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(
                SealingKey::parse(raw).map_err(|why| problem("HISTORY_KEY", "history-key", why))?,
            ),
        };
        let client_timeout = parse_duration(&args.client_timeout)
            .map_err(|why| problem("CLIENT_TIMEOUT", "client-timeout", why))?;
        let request_timeout = parse_duration(&args.request_timeout)
            .map_err(|why| problem("REQUEST_TIMEOUT", "request-timeout", why))?;
        let session_key = match args.session_key.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(raw) => Some(
                SealingKey::parse(raw).map_err(|why| problem("SESSION_KEY", "session-key", why))?,
            ),
        };
        let history_interval = parse_duration(&args.history_interval)
            .map_err(|why| problem("HISTORY_INTERVAL", "history-interval", why))?;
        Ok(Config {
            command: args.command,
            keycloak_url,
            admin_realm,
            client_id,
            client_secrets,
            public_url,
            bind,
            database_url,
            session_lifetime,
            keycloak_timeouts,
            log_level: args.log_level,
            log_format,
            site_root: args.site_root,
            max_concurrent_requests: usize::from(args.max_concurrent_requests),
            history_key,
            session_key,
            client_timeout,
            request_timeout,
            history_interval,
        })
    }

    /// Cookies may only be `Secure` when browsers reach the console over https.
    pub fn cookies_secure(&self) -> bool {
        self.public_url.scheme() == "https"
    }

    /// The console's OIDC redirect URI (the same in every realm).
    pub fn redirect_uri(&self) -> String {
        format!("{}/auth/callback", self.public_origin())
    }

    /// `scheme://host[:port]` of the public URL, as browsers send it in `Origin`.
    pub fn public_origin(&self) -> String {
        self.public_url.origin().ascii_serialization()
    }
}

#[derive(Debug)]
pub enum ConfigLoadError {
    /// `--help`, `--version` or a malformed command line: clap's own message.
    Cli(clap::Error),
    Invalid(ConfigError),
}

fn non_empty(value: &str, var: &str, flag: &str) -> Result<String, ConfigError> {
    let trimmed = value.trim();
    if trimmed.is_empty() {
        return Err(problem(var, flag, "must not be empty"));
    }
    Ok(trimmed.to_owned())
}

fn parse_base_url(value: Option<&str>, var: &str, flag: &str) -> Result<Url, ConfigError> {
    let raw = value.map(str::trim).unwrap_or_default();
    if raw.is_empty() {
        return Err(problem(var, flag, "is required"));
    }
    let url =
        Url::parse(raw).map_err(|e| problem(var, flag, format!("'{raw}' is not a URL ({e})")))?;
    if !matches!(url.scheme(), "http" | "https") || url.host_str().is_none() {
        return Err(problem(
            var,
            flag,
            format!("'{raw}' must be an http:// or https:// URL with a host"),
        ));
    }
    if url.query().is_some() || url.fragment().is_some() {
        return Err(problem(
            var,
            flag,
            format!("'{raw}' must not have a query or fragment"),
        ));
    }
    // Stored without a trailing slash so paths can be appended uniformly.
    let mut url = url;
    let path = url.path().trim_end_matches('/').to_owned();
    url.set_path(&path);
    Ok(url)
}

fn parse_database_url(raw: &str) -> Result<String, ConfigError> {
    let raw = raw.trim();
    if raw.starts_with("sqlite:") {
        Ok(raw.to_owned())
    } else if raw.starts_with("postgres:") || raw.starts_with("postgresql:") {
        Err(problem(
            "DATABASE_URL",
            "database-url",
            "PostgreSQL is not supported yet; use a sqlite: URL",
        ))
    } else {
        Err(problem(
            "DATABASE_URL",
            "database-url",
            format!("'{raw}' is not a sqlite: URL such as sqlite://data/offline-console.db"),
        ))
    }
}

/// `30s`, `15m`, `8h`, `7d`: a whole positive number and a unit.
pub fn parse_duration(raw: &str) -> Result<Duration, String> {
    let raw = raw.trim();
    let split = raw
        .find(|c: char| !c.is_ascii_digit())
        .ok_or_else(|| format!("'{raw}' needs a unit: s, m, h or d"))?;
    let (digits, unit) = raw.split_at(split);
    let n: u64 = digits
        .parse()
        .map_err(|_| format!("'{raw}' must start with a whole number"))?;
    let secs = match unit {
        "s" => Some(n),
        "m" => n.checked_mul(60),
        "h" => n.checked_mul(3600),
        "d" => n.checked_mul(86_400),
        _ => return Err(format!("'{raw}' has an unknown unit; use s, m, h or d")),
    }
    .ok_or_else(|| format!("'{raw}' is too large"))?;
    if secs == 0 {
        return Err(format!("'{raw}' must be longer than zero"));
    }
    if secs > 366 * 86_400 {
        return Err(format!("'{raw}' is longer than a year"));
    }
    Ok(Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(extra: &[&str]) -> Result<Config, ConfigError> {
        let mut argv = vec!["offline-console"];
        if !extra.contains(&"--keycloak-url") {
            argv.extend(["--keycloak-url", "http://127.0.0.1:8180/"]);
        }
        argv.extend(["--client-secret", "s3cret"]);
        argv.extend_from_slice(extra);
        Config::from_args(Args::try_parse_from(argv).expect("flags parse"))
    }

    #[test]
    fn defaults_are_usable() {
        let c = parse(&[]).unwrap();
        assert_eq!(c.keycloak_url.as_str(), "http://127.0.0.1:8180/");
        assert_eq!(c.admin_realm, "master");
        assert_eq!(c.client_id, "offline-console");
        assert_eq!(c.bind.to_string(), "127.0.0.1:3000");
        assert_eq!(c.database_url, "sqlite://data/offline-console.db");
        assert_eq!(c.session_lifetime, Duration::from_secs(8 * 3600));
        assert_eq!(c.log_format, LogFormat::Text);
        assert_eq!(c.keycloak_timeouts.total, Duration::from_secs(15));
        assert_eq!(c.keycloak_timeouts.connect, Duration::from_secs(3));
        assert_eq!(c.max_concurrent_requests, 16);
        assert_eq!(c.redirect_uri(), "http://127.0.0.1:3000/auth/callback");
        assert!(!c.cookies_secure());
        assert_eq!(c.history_key, None);
        assert_eq!(c.history_interval, Duration::from_secs(86_400));
    }

    #[test]
    fn history_key_is_32_bytes_of_base64_and_never_printed() {
        let key = "AAECAwQFBgcICQoLDA0ODxAREhMUFRYXGBkaGxwdHh8=";
        let c = parse(&["--history-key", key]).unwrap();
        let bytes: Vec<u8> = (0u8..32).collect();
        assert_eq!(
            c.history_key.as_ref().map(|k| k.bytes().to_vec()),
            Some(bytes)
        );
        assert!(!format!("{c:?}").contains(key));
    }

    #[test]
    fn at_least_one_request_is_handled_at_once() {
        let argv = |n: &'static str| {
            [
                "offline-console",
                "--keycloak-url",
                "http://kc/",
                "--client-secret",
                "s",
            ]
            .into_iter()
            .chain(["--max-concurrent-requests", n])
        };
        let err = Args::try_parse_from(argv("0")).expect_err("0 is refused");
        assert!(
            err.to_string().contains("--max-concurrent-requests"),
            "{err}"
        );
        let c = Config::from_args(Args::try_parse_from(argv("64")).unwrap()).unwrap();
        assert_eq!(c.max_concurrent_requests, 64);
    }

    #[test]
    fn https_public_url_makes_cookies_secure() {
        let c = parse(&["--public-url", "https://console.example.com/"]).unwrap();
        assert!(c.cookies_secure());
        assert_eq!(c.public_origin(), "https://console.example.com");
    }

    #[test]
    fn secret_is_not_printed_by_debug() {
        let c = parse(&[]).unwrap();
        assert!(!format!("{c:?}").contains("s3cret"));
    }

    #[test]
    fn bad_values_name_the_variable() {
        let cases: &[(&[&str], &str)] = &[
            (&["--keycloak-url", "not a url"], "KEYCLOAK_URL (--keycloak-url): 'not a url' is not a URL"),
            (&["--keycloak-url", "ftp://kc"], "KEYCLOAK_URL (--keycloak-url): 'ftp://kc' must be an http:// or https:// URL"),
            (&["--keycloak-url", ""], "KEYCLOAK_URL (--keycloak-url): is required"),
            (&["--public-url", "http://x/?a=1"], "PUBLIC_URL (--public-url): 'http://x/?a=1' must not have a query"),
            (&["--bind", "localhost"], "BIND_ADDR (--bind): 'localhost' is not an address:port"),
            (&["--database-url", "mysql://x"], "DATABASE_URL (--database-url): 'mysql://x' is not a sqlite: URL"),
            (&["--session-lifetime", "10"], "SESSION_LIFETIME (--session-lifetime): '10' needs a unit"),
            (&["--session-lifetime", "0h"], "SESSION_LIFETIME (--session-lifetime): '0h' must be longer than zero"),
            (&["--session-lifetime", "9999999999999999999d"], "SESSION_LIFETIME (--session-lifetime): '9999999999999999999d' is too large"),
            (&["--session-lifetime", "99999999999999999999s"], "SESSION_LIFETIME (--session-lifetime): '99999999999999999999s' must start with a whole number"),
            (&["--session-lifetime", "400d"], "SESSION_LIFETIME (--session-lifetime): '400d' is longer than a year"),
            (&["--keycloak-timeout", "fast"], "KEYCLOAK_TIMEOUT (--keycloak-timeout): 'fast' must start with a whole number"),
            (&["--keycloak-connect-timeout", "0s"], "KEYCLOAK_CONNECT_TIMEOUT (--keycloak-connect-timeout): '0s' must be longer than zero"),
            (&["--log-format", "xml"], "LOG_FORMAT (--log-format): 'xml' is not one of: text, json"),
            (&["--admin-realm", "  "], "ADMIN_REALM (--admin-realm): must not be empty"),
            (&["--history-key", "not base64!"], "HISTORY_KEY (--history-key): is not base64"),
            (&["--history-key", "c2hvcnQ="], "HISTORY_KEY (--history-key): must be 32 bytes in base64 but is 5 bytes"),
            (&["--history-interval", "0d"], "HISTORY_INTERVAL (--history-interval): '0d' must be longer than zero"),
        ];
        for (flags, expected) in cases {
            let err = parse(flags).expect_err(expected).to_string();
            assert!(
                err.starts_with(&format!("configuration error: {expected}")),
                "{flags:?}: got {err}"
            );
            assert!(!err.contains('\n'), "one line: {err}");
        }
    }

    #[test]
    fn missing_secret_is_reported() {
        let args =
            Args::try_parse_from(["offline-console", "--keycloak-url", "http://kc"]).unwrap();
        let err = Config::from_args(args).unwrap_err().to_string();
        assert!(
            err.contains("OIDC_CLIENT_SECRET (--client-secret): is required"),
            "{err}"
        );
    }

    #[test]
    fn durations_parse_with_units() {
        assert_eq!(parse_duration("90s"), Ok(Duration::from_secs(90)));
        assert_eq!(parse_duration("15m"), Ok(Duration::from_secs(900)));
        assert_eq!(parse_duration("2d"), Ok(Duration::from_secs(172_800)));
        assert!(parse_duration("h").is_err());
        assert!(parse_duration("5w").is_err());
        assert!(parse_duration("-5m").is_err());
    }
}
