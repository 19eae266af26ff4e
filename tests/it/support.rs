//! Shared helpers: a loopback HTTP server, fixtures, runtimes and configs.

use std::collections::HashMap;
use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use rollcall::config::{Config, Origin};
use rollcall::day::Day;
use rollcall::net::HttpClient;
use rollcall::net::github::GithubClient;
use rollcall::runtime::{Runtime, RuntimeOptions, Services};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::TcpListener;

/// One canned response.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    /// Written verbatim instead of a response built from the fields (a broken transfer).
    pub raw: Option<Vec<u8>>,
    /// Never answer: hold the connection open.
    pub hang: bool,
}

impl Reply {
    pub fn ok(body: impl Into<Vec<u8>>) -> Self {
        Self::status(200, body)
    }

    pub fn status(status: u16, body: impl Into<Vec<u8>>) -> Self {
        Self {
            status,
            headers: vec![("content-type".into(), "application/json".into())],
            body: body.into(),
            raw: None,
            hang: false,
        }
    }

    pub fn redirect(to: &str) -> Self {
        Self {
            status: 302,
            headers: vec![("location".into(), to.into())],
            ..Self::status(302, Vec::new())
        }
    }

    /// These exact bytes, then the connection closes.
    pub fn raw(bytes: impl Into<Vec<u8>>) -> Self {
        Self {
            raw: Some(bytes.into()),
            ..Self::status(200, Vec::new())
        }
    }

    /// A server that accepts the request and never answers.
    pub fn hang() -> Self {
        Self {
            hang: true,
            ..Self::status(200, Vec::new())
        }
    }

    /// With an extra response header.
    pub fn with_header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_owned(), value.to_owned()));
        self
    }
}

/// A request the server saw.
#[derive(Debug, Clone)]
pub struct Seen {
    pub target: String,
    pub headers: HashMap<String, String>,
    /// When it arrived.
    pub at: std::time::Instant,
    /// The status answered (304 when a validator matched).
    pub status: u16,
}

/// A loopback HTTP/1.1 server with fixed routes (matched on the path, query ignored unless the
/// route has one). Unknown paths get 404. Stops when dropped.
pub struct Server {
    addr: SocketAddr,
    seen: Arc<Mutex<Vec<Seen>>>,
    routes: Arc<Mutex<HashMap<String, Vec<Reply>>>>,
    task: tokio::task::JoinHandle<()>,
}

impl Drop for Server {
    fn drop(&mut self) {
        self.task.abort();
    }
}

impl Server {
    pub async fn start(routes: Vec<(&str, Reply)>) -> Self {
        let listener = TcpListener::bind("127.0.0.1:0")
            .await
            .expect("bind loopback");
        let addr = listener.local_addr().expect("local addr");
        let routes: Arc<Mutex<HashMap<String, Vec<Reply>>>> = Arc::new(Mutex::new(
            routes
                .into_iter()
                .map(|(p, r)| (p.to_owned(), vec![r]))
                .collect(),
        ));
        let routes_in_task = routes.clone();
        let seen = Arc::new(Mutex::new(Vec::new()));
        let seen_in_task = seen.clone();
        let task = tokio::spawn(async move {
            loop {
                let Ok((mut socket, _)) = listener.accept().await else {
                    return;
                };
                let routes = routes_in_task.clone();
                let seen = seen_in_task.clone();
                tokio::spawn(async move {
                    let mut buf = Vec::new();
                    let mut chunk = [0u8; 4096];
                    while !buf.windows(4).any(|w| w == b"\r\n\r\n") && buf.len() < 65_536 {
                        match socket.read(&mut chunk).await {
                            Ok(0) | Err(_) => return,
                            Ok(n) => buf.extend_from_slice(&chunk[..n]),
                        }
                    }
                    let head = String::from_utf8_lossy(&buf).into_owned();
                    let mut lines = head.split("\r\n");
                    let target = lines
                        .next()
                        .and_then(|l| l.split_whitespace().nth(1))
                        .unwrap_or("/")
                        .to_owned();
                    let headers = lines
                        .take_while(|l| !l.is_empty())
                        .filter_map(|l| l.split_once(':'))
                        .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_owned()))
                        .collect();
                    let path = target.split('?').next().unwrap_or("/");
                    let reply = {
                        let mut routes = routes.lock().expect("lock");
                        let key = if routes.contains_key(&target) {
                            target.clone()
                        } else {
                            path.to_owned()
                        };
                        match routes.get_mut(&key) {
                            // A sequence is served in order; its last reply repeats.
                            Some(list) if list.len() > 1 => list.remove(0),
                            Some(list) => list[0].clone(),
                            None => Reply::status(404, "not found"),
                        }
                    };
                    let etag = reply
                        .headers
                        .iter()
                        .find(|(k, _)| k.eq_ignore_ascii_case("etag"))
                        .map(|(_, v)| v.clone());
                    let not_modified =
                        etag.is_some() && headers_seen(&headers, "if-none-match") == etag;
                    seen.lock().expect("lock").push(Seen {
                        target: target.clone(),
                        headers,
                        at: std::time::Instant::now(),
                        status: if not_modified { 304 } else { reply.status },
                    });
                    if reply.hang {
                        tokio::time::sleep(std::time::Duration::from_secs(3600)).await;
                        return;
                    }
                    if let Some(raw) = &reply.raw {
                        let _ = socket.write_all(raw).await;
                        let _ = socket.shutdown().await;
                        return;
                    }
                    let (status, body) = if not_modified {
                        (304, Vec::new())
                    } else {
                        (reply.status, reply.body.clone())
                    };
                    let mut out = format!(
                        "HTTP/1.1 {} X\r\ncontent-length: {}\r\nconnection: close\r\n",
                        status,
                        body.len()
                    );
                    for (k, v) in &reply.headers {
                        out.push_str(&format!("{k}: {v}\r\n"));
                    }
                    out.push_str("\r\n");
                    let _ = socket.write_all(out.as_bytes()).await;
                    let _ = socket.write_all(&body).await;
                    let _ = socket.shutdown().await;
                });
            }
        });
        Self {
            addr,
            seen,
            routes,
            task,
        }
    }

    /// Replaces (or adds) the reply for `path`.
    pub fn set(&self, path: &str, reply: Reply) {
        self.sequence(path, vec![reply]);
    }

    /// Serves these replies to `path` in order; the last one repeats.
    pub fn sequence(&self, path: &str, replies: Vec<Reply>) {
        self.routes
            .lock()
            .expect("lock")
            .insert(path.to_owned(), replies);
    }

    /// `http://127.0.0.1:PORT` + `path`.
    pub fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    /// The requests seen so far.
    pub fn seen(&self) -> Vec<Seen> {
        self.seen.lock().expect("lock").clone()
    }
}

fn headers_seen(headers: &HashMap<String, String>, name: &str) -> Option<String> {
    headers.get(name).cloned()
}

/// A loopback kernel.org: `/releases.json` is the recorded 2020-12-14 excerpt (5.10, 5.10.1).
pub async fn kernel_server() -> Server {
    Server::start(vec![(
        "/releases.json",
        Reply::ok(fixture("kernel.org/releases-2020-12-14.excerpt.json")),
    )])
    .await
}

/// The project root.
pub fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .expect("host/ has a parent")
        .to_path_buf()
}

/// A fixture's bytes, from `tests/fixtures`.
pub fn fixture(path: &str) -> Vec<u8> {
    let full = root().join("tests/fixtures").join(path);
    std::fs::read(&full).unwrap_or_else(|e| panic!("fixture {}: {e}", full.display()))
}

/// A runtime caching compiled components in `cache` (or not at all), whose `github` import
/// points at `github` when given.
pub fn runtime_with(cache: Option<&Path>, github: Option<(&str, &str)>) -> Arc<Runtime> {
    let http = HttpClient::new().expect("http client");
    let github = github.map(|(base, token)| {
        GithubClient::new(
            http.clone(),
            &base.parse().expect("github base"),
            Some(token.to_owned()),
        )
        .expect("github client")
    });
    let services = Services { http, github };
    Arc::new(
        Runtime::new(RuntimeOptions {
            cache_dir: cache.map(Path::to_path_buf),
            max_memory_bytes: 256 << 20,
            services: Arc::new(services),
        })
        .expect("runtime"),
    )
}

/// A runtime whose `http` import uses `http` (a store's cache, a policy, a cassette).
pub fn runtime_with_http(http: HttpClient) -> Arc<Runtime> {
    Arc::new(
        Runtime::new(RuntimeOptions {
            cache_dir: None,
            max_memory_bytes: 256 << 20,
            services: Arc::new(Services { http, github: None }),
        })
        .expect("runtime"),
    )
}

/// A runtime with no disk cache.
pub fn runtime() -> Arc<Runtime> {
    runtime_with(None, None)
}

/// Parses a config as if read from `test.toml`.
pub fn config(text: &str) -> Config {
    Config::parse(text, Origin::File(PathBuf::from("test.toml")))
        .unwrap_or_else(|e| panic!("test config is valid:\n{e}\n---\n{text}"))
}

/// The day the tests evaluate as of.
pub fn today() -> Day {
    "2026-11-26".parse().expect("valid day")
}

/// The hostile test tracker as a `[plugins.NAME]` table with extra lines.
pub fn hostile_plugin(name: &str, extra: &str) -> String {
    format!(
        "[plugins.{name}]\npath = {:?}\nsha256 = \"{}\"\nallow-hosts = [\"allowed.example\"]\n{extra}\n",
        rollcall::artifacts::TEST_HOSTILE,
        hostile_sha256()
    )
}

/// The SHA-256 of the hostile test plugin, as a config pins it.
pub fn hostile_sha256() -> String {
    use sha2::Digest;
    let bytes = std::fs::read(rollcall::artifacts::TEST_HOSTILE).expect("the hostile plugin");
    hex::encode(sha2::Sha256::digest(bytes))
}
