# Commands for a fresh machine (each installs what is missing first):
#   make demo   run keycloak-sim with the demo realms and the console against it
#               (make demo KEYCLOAK=real: the same console against the real Keycloak)
#   make keycloak  the real Keycloak 26.7.3 with the demo realms (downloaded once)
#   make test   run every check and test; ends with "N passed, N failed"
#   make bench  measure speed, load, memory and bundle size against keycloak-sim; writes BENCHMARKS.md
#   make bench-keycloak  the console beside Keycloak's own admin console on a real Keycloak on PostgreSQL; writes BENCHMARKS-keycloak.md
#   make bench-cost  the console's CPU, page faults and context switches per page (perf stat; for A/B)
#   make fuzz   fuzz every parser of user input, FUZZ_SECONDS (default 600) per target
.PHONY: demo keycloak test bench bench-keycloak bench-cost fuzz
demo:
	@KEYCLOAK=$(KEYCLOAK) bash scripts/demo.sh
keycloak:
	@bash scripts/keycloak.sh
test:
	@bash scripts/test.sh
bench:
	@bash scripts/bench.sh
bench-keycloak:
	@bash scripts/bench-keycloak.sh
bench-cost:
	@BENCH_COST=1 bash scripts/bench.sh
fuzz:
	@bash scripts/fuzz.sh
