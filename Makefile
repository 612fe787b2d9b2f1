# The front door. `make up` runs the main job, `make test` runs every test.
MVN ?= ./mvnw -B -ntp

.PHONY: help build test bench bench-compare up down peers manifests bundle class-lists clean

# make bench / bench-compare read these from the environment (details: e2e/README.md):
#   PULSE_BENCH_NODES="3 1000"   sizes, each run for both servers (3 = the make up cluster's kwok nodes, idle; 5000 opt-in)
#   PULSE_BENCH_PODS=30          pods per simulated node (all registered as Running Pods)
#   PULSE_BENCH_SECONDS=60       CPU measurement window (cycles = window / 15 s)
#   PULSE_BENCH_WARMUP_SECONDS=45  steady state before the window
#   PULSE_BENCH_CLIENTS=8 PULSE_BENCH_REQUESTS=25 PULSE_BENCH_LOAD_WARMUP=5  list-latency load per server and path (per client)
#   PULSE_BENCH_REGISTER_SECONDS=1800  pod registration budget (5000 nodes: as many as fit)
#   PULSE_BENCH_SERVE_TIMEOUT=300  wait for each server to serve everything
#   PULSE_BENCH_CHART=docs/bench/pulse-vs-metrics-server.png  where the chart goes
help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-14s %s\n", $$1, $$2}'
	@printf '\nmake bench / bench-compare variables (environment):\n'
	@grep -E '^#   PULSE_BENCH_' $(MAKEFILE_LIST) | sed 's/^# //'

build: ## Compile and package every module (no tests); the kubectl plugin kubectl-pulse in .pulse/bin
	$(MVN) -q package -DskipTests
	e2e/bin/install-plugin.sh

test: ## Run all tests
	$(MVN) verify

up: ## Local cluster (real control plane, simulated nodes), the operator and a sample pipeline: kubectl top works
	$(MVN) -q -pl metrics-core,operator package -DskipTests
	e2e/bin/up.sh

down: ## Stop the local cluster and remove its state
	e2e/bin/down.sh

peers: ## Build the pinned Kubernetes components into ~/.cache/pulse (make up does this too)
	e2e/bin/build-peers.sh

bench: ## Benchmarks: the scrape path alone (in one JVM), then bench-compare
	$(MVN) -q -pl metrics-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
	  -Dexec.args="-Xmx1g -classpath %classpath dev.pulse.metrics.bench.ScrapeBenchmark"
	$(MAKE) --no-print-directory bench-compare

bench-compare: ## Pulse vs metrics-server on one cluster, sizes PULSE_BENCH_NODES (default "3 1000"): table, .pulse/bench/report.json, docs/bench/*.png
	$(MVN) -q -pl metrics-core,operator package -DskipTests
	e2e/bin/bench-compare.sh

manifests: ## Regenerate crds/ and config/ (install manifests) from the operator's code (the build fails while stale)
	$(MVN) -q -pl operator -am -Pmanifests process-test-classes

bundle: ## Regenerate the OLM bundle (bundle/, bundle.Dockerfile) from the same sources (the build fails while stale)
	$(MVN) -q -pl operator -am -Pbundle process-test-classes

class-lists: ## Regenerate the class lists of the JVMs' class-data archives by training on the running make up cluster
	$(MVN) -q -pl metrics-core,operator package -DskipTests
	e2e/bin/class-lists.sh

clean: ## Remove build output
	$(MVN) -q clean
