# Entry points. `make demo` and `make test` are what the README promises a fresh machine.
MVN ?= mvn -B -q
JAR := algorithm/target/xgboost-container.jar

.PHONY: build test notebooks demo bench bench-serve clean

build: $(JAR)

$(JAR): pom.xml algorithm/pom.xml $(shell find algorithm/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

test:
	mvn -B verify
	$(MAKE) notebooks

# Runs every notebook top to bottom (Debian's jupyter-nbconvert, python3-ipykernel, python3-matplotlib,
# python3-xgboost); executed copies go to build/notebooks, the committed ones keep no outputs.
notebooks: build
	jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
	  --output-dir build/notebooks notebooks/*.ipynb
	/usr/bin/python3 notebooks/check-stripped.py notebooks/*.ipynb

demo: build
	./sample-data/run-demo.sh build/demo/opt_ml

bench:
	./bench/run.sh

bench-serve:
	./bench/serve.sh

clean:
	rm -rf build algorithm/target target
