"""Cross-cutting pieces every app may use, importing none of them: the API's error shape, JSON
parsing, health probes, logs, tracing, request middleware, /metrics access, the client-IP rule,
the secret-key rule and session-ID hashes."""
