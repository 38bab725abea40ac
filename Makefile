# Entry points. `make demo` and `make test` are what the README promises a fresh machine.
MVN ?= mvn -B -q
JAR := algorithm/target/xgboost-container.jar

.PHONY: build test demo demo-s3 bench clean

build: $(JAR)

$(JAR): pom.xml algorithm/pom.xml $(shell find algorithm/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

test:
	mvn -B verify

demo: build
	./sample-data/run-demo.sh build/demo/opt_ml

demo-s3: build
	./sample-data/run-demo-s3.sh

bench:
	./bench/run.sh

clean:
	rm -rf build algorithm/target target
