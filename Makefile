# Tendik: every command goes through scripts/manage.py (standard library only).
PY ?= python3
.PHONY: help install build run test eval tune tune-fallback import-norms content-check clean review
help:          ## list every command
	@$(PY) scripts/manage.py help
install:       ## create/update both virtual environments from the lock files
	@$(PY) scripts/manage.py install
build:         ## rebuild whatever is stale (language detector, e5 model, index, Rasa model)
	@$(PY) scripts/manage.py build
run:           ## build and start the assistant with a chat in the terminal
	@$(PY) scripts/manage.py run
test:          ## build, lint, run the whole test suite
	@$(PY) scripts/manage.py test
review:        ## operator review web app on 127.0.0.1:8090 (accounts: python3 scripts/manage.py review user add NAME --role admin)
	@$(PY) scripts/manage.py review serve
eval:          ## the benchmark (writes bench/results.json; see bench/RESULTS.md)
	@$(PY) scripts/manage.py eval
tune:          ## tune retrieval weights on the dev set's tune split
	@$(PY) scripts/manage.py tune
tune-fallback: ## choose the NLU fallback threshold on the dev set's tune split
	@$(PY) scripts/manage.py tune-fallback
import-norms:  ## re-copy norms verbatim from ../shared/legal-sources
	@$(PY) scripts/manage.py import-norms
content-check: ## every legal statement traced to its paragraphs, every linked paragraph shown in every rendering
	@$(PY) scripts/manage.py content-check
clean:         ## delete build outputs (keeps conversations)
	@$(PY) scripts/manage.py clean
