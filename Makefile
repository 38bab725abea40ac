# Entry points. `make demo` and `make test` are what the README promises a fresh machine.
MVN ?= mvn -B -q
JAR := algorithm/target/xgboost-container.jar

.PHONY: build test fuzz demo bench clean

build: $(JAR)

$(JAR): pom.xml algorithm/pom.xml $(shell find algorithm/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

test:
	mvn -B verify

# A short real fuzzing run of every parser (about 10 s a target); `make test` replays the corpus.
fuzz:
	./.ci/fuzz

demo: build
	./sample-data/run-demo.sh build/demo/opt_ml

bench:
	./bench/run.sh

clean:
	rm -rf build algorithm/target target
