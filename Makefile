# Tendik: every command goes through tendik.ops.bootstrap (standard library only), which installs
# both virtual environments first and then runs `tendik <command>` inside .venv.
PY ?= python3
BOOT = $(PY) -m tendik.ops.bootstrap
.PHONY: help install build run test test-unit lint eval review migrate tune tune-fallback tune-cascade import-norms content-check clean stack
help:          ## list every command
	@$(BOOT) help
install:       ## create/update both virtual environments from the lock files
	@$(BOOT) install
build:         ## rebuild whatever is stale (language detector, e5 model, index, Rasa model)
	@$(BOOT) build
run:           ## build, migrate and start the assistant with a chat in the terminal
	@$(BOOT) run
test:          ## build, lint, type-check, run the whole test suite (what CI runs)
	@$(BOOT) test
test-unit:     ## lint, type-check and the fast tests that need no services
	@$(BOOT) test-unit
lint:          ## ruff and mypy
	@$(BOOT) lint
review:        ## operator review web app on 127.0.0.1:8090 (accounts: make review ARGS="user add NAME --role admin")
	@$(BOOT) review $(ARGS)
eval:          ## the benchmark (writes bench/results.json; see bench/RESULTS.md)
	@$(BOOT) eval
migrate:       ## upgrade the project's tables (make migrate ARGS="--down base" to go back)
	@$(BOOT) migrate $(ARGS)
tune:          ## tune retrieval weights on the dev set's tune split
	@$(BOOT) tune
tune-fallback: ## choose the NLU fallback threshold on the dev set's tune split
	@$(BOOT) tune-fallback
tune-cascade:  ## choose the intent classifier's cascade threshold (bench/cascade.json)
	@$(BOOT) tune-cascade
import-norms:  ## re-copy norms verbatim from ../shared/legal-sources
	@$(BOOT) import-norms
content-check: ## every legal statement traced to its paragraphs, every linked paragraph shown in every rendering
	@$(BOOT) content-check
clean:         ## delete build outputs (keeps conversations)
	@$(BOOT) clean
stack:         ## nginx + N Rasa + M action servers + PostgreSQL + Redis (+ bot, widget): make stack ARGS="up --rasa 2 --web"
	@$(BOOT) stack $(ARGS)
