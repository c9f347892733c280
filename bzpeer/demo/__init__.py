"""Demo and benchmark data for BZPEER: a deterministic synthetic world and its commands
(generate_synthetic, load_demo, bench_graph)."""
