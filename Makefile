# Voorportaal. `make help` lists the targets.
.DEFAULT_GOAL := help
SHELL := /bin/bash
# Recursive (=), not simple (:=): uv may only exist after `make setup` has run.
UV = $(shell command -v uv 2>/dev/null || echo $(CURDIR)/.tools/uv/bin/uv)

.PHONY: help
help: ## Show this list
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  make %-12s %s\n", $$1, $$2}'

.PHONY: setup
setup: ## Install uv and the locked Python environment
	@bash scripts/bootstrap.sh

.PHONY: up
up: setup ## Start everything (broker, services, demo data); Ctrl-C stops it
	$(UV) run voorportaal up

.PHONY: test
test: ## Install what is missing, start PostgreSQL and Kafka, run every test
	@bash scripts/test.sh

.PHONY: test-faults
test-faults: setup ## Broker faults on brokers of their own: 3-broker kill -9, intake with Kafka down
	$(UV) run pytest tests/integration/test_cluster_fault.py tests/integration/test_intake_without_kafka.py

.PHONY: unit
unit: setup ## Only the fast tests that need no broker or database
	$(UV) run pytest -m "not integration"

.PHONY: infra
infra: ## Start local PostgreSQL and Kafka (no Docker)
	bash infra/postgres/postgres.sh start
	bash infra/kafka/kafka.sh start

.PHONY: infra-stop
infra-stop: ## Stop the local Kafka broker and PostgreSQL
	bash infra/kafka/kafka.sh stop
	bash infra/postgres/postgres.sh stop

.PHONY: bench
bench: setup infra ## Relay and inbox throughput vs raw aiokafka (ratios), service RSS
	$(UV) run python bench/messaging.py

.PHONY: lint
lint: setup ## ruff (lint and format check) and mypy (strict) on the sources
	$(UV) run ruff check .
	$(UV) run ruff format --check .
	$(UV) run mypy contracts/src kit/src src services/*/src frontends/buddy/buddy frontends/portal/portal

.PHONY: asyncapi
asyncapi: setup ## Regenerate contracts/asyncapi.json from the event schemas
	$(UV) run voorportaal asyncapi

.PHONY: status
status: ## What runs: services, consumer lag, dead letters
	$(UV) run voorportaal status
