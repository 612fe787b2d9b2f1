# The front door. `make up` runs the main job, `make test` runs every test.
MVN ?= mvn -B -ntp

.PHONY: help build test bench up down peers manifests bundle clean

help: ## List the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

build: ## Compile and package every module (no tests)
	$(MVN) -q package -DskipTests

test: ## Run all tests
	$(MVN) verify

up: ## Local cluster (real control plane, simulated nodes), the operator and a sample pipeline: kubectl top works
	$(MVN) -q -pl metrics-core,operator package -DskipTests
	e2e/bin/up.sh

down: ## Stop the local cluster and remove its state
	e2e/bin/down.sh

peers: ## Build the pinned Kubernetes components into ~/.cache/pulse (make up does this too)
	e2e/bin/build-peers.sh

bench: ## Benchmarks: the scrape path alone, then Pulse vs metrics-server on one cluster (1,000 nodes x 30 pods)
	$(MVN) -q -pl metrics-core test-compile exec:exec -Dexec.executable=java -Dexec.classpathScope=test \
	  -Dexec.args="-Xmx1g -classpath %classpath dev.pulse.metrics.bench.ScrapeBenchmark"
	$(MVN) -q -pl metrics-core package -DskipTests
	e2e/bin/bench-compare.sh

manifests: ## Regenerate crds/ and config/ (install manifests) from the operator's code (the build fails while stale)
	$(MVN) -q -pl operator -am -Pmanifests process-test-classes

bundle: ## Regenerate the OLM bundle (bundle/, bundle.Dockerfile) from the same sources (the build fails while stale)
	$(MVN) -q -pl operator -am -Pbundle process-test-classes

clean: ## Remove build output
	$(MVN) -q clean
