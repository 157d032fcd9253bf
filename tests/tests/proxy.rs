//! A proxy configured in the environment never sees a request to a loopback base
//! URL: it would receive the key (readable, over plain http) and could not reach our
//! loopback anyway. A binary of its own, because it sets process-wide variables.

use std::{io::ErrorKind, net::TcpListener, time::Duration};

use heffl_sdk::{Client, ContactPatch, mock::MockServer};

#[test]
fn a_proxy_from_the_environment_is_not_used_for_loopback() {
    let proxy = TcpListener::bind("127.0.0.1:0").unwrap();
    proxy.set_nonblocking(true).unwrap();
    let proxy_url = format!("http://{}", proxy.local_addr().unwrap());
    // SAFETY: this binary's only test sets them before it starts any other thread.
    unsafe {
        for name in ["HTTP_PROXY", "http_proxy", "ALL_PROXY", "all_proxy"] {
            std::env::set_var(name, &proxy_url);
        }
        for name in ["NO_PROXY", "no_proxy"] {
            std::env::remove_var(name);
        }
    }

    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(async {
        let mock = MockServer::start().await;
        let client = Client::builder()
            .api_key(MockServer::API_KEY)
            .base_url(mock.base_url())
            .timeout(Duration::from_secs(2))
            .build()
            .unwrap();
        client
            .update_contact("clt_ada", &ContactPatch::new().job_title("direct"))
            .await
    });

    let reached_proxy = match proxy.accept() {
        Ok(_) => true,
        Err(e) if e.kind() == ErrorKind::WouldBlock => false,
        Err(e) => panic!("{e}"),
    };
    assert!(!reached_proxy, "the request went to the proxy");
    assert_eq!(result.unwrap().job_title.as_deref(), Some("direct"));
}
