# Entry points. `make demo` and `make test` are what the README promises a fresh machine.
MVN ?= mvn -B -q
JAR := algorithm/target/xgboost-container.jar
# The container runtime (podman, or docker where a user has it) and the image's name.
DOCKER ?= podman
IMAGE ?= xgboost-container:latest
# make run-image OPT_ML=DIR mounts DIR as /opt/ml; empty: the abalone sample in build/run-image.
OPT_ML ?=
# Extra flags for Jib on make push, e.g. -Djib.to.credHelper=ecr-login.
JIB_FLAGS ?=
JIB := $(MVN) -Pimage -DskipTests -Djib.disableUpdateChecks=true
export DOCKER IMAGE

.PHONY: build test fuzz notebooks test-image demo demo-s3 bench bench-serve clean base image run-image run-cluster push

build: $(JAR)

$(JAR): pom.xml algorithm/pom.xml $(shell find algorithm/src/main -type f 2>/dev/null)
	$(MVN) -DskipTests package

test:
	mvn -B verify
	$(MAKE) notebooks
	$(MAKE) test-image
	$(MAKE) fuzz

# Runs every notebook top to bottom (Debian's jupyter-nbconvert, python3-ipykernel, python3-matplotlib,
# python3-pandas, python3-xgboost); executed copies go to build/notebooks, the committed ones keep no outputs.
notebooks: build
	jupyter nbconvert --to notebook --execute --ExecutePreprocessor.timeout=300 \
	  --output-dir build/notebooks notebooks/*.ipynb
	/usr/bin/python3 notebooks/check-stripped.py notebooks/*.ipynb

# Integration tests of the image with a real runtime and a real registry on loopback.
test-image: image build
	MVN="$(MVN)" container/test-image.sh

# The base image (Debian minbase + JRE), build/base.tar, cached by its package list.
base:
	container/build-base.sh build/base.tar

# The image, build/image.tar, by Jib without a daemon; loaded into $(DOCKER) when installed.
image: base
	$(JIB) process-classes jib:buildTar -Dimage.name=$(IMAGE)
	container/load-image.sh

run-image:
	container/run-image.sh $(OPT_ML)

run-cluster:
	container/run-cluster.sh 3

# Builds and pushes the image to a registry, e.g. ECR (see the README): make push IMAGE=REGISTRY/REPO:TAG
push: base
	@case "$(IMAGE)" in */*) ;; *) echo "IMAGE=$(IMAGE) names no registry, perhaps you should run:" \
	  "make push IMAGE=ACCOUNT.dkr.ecr.REGION.amazonaws.com/REPOSITORY:TAG" >&2; exit 2;; esac
	$(JIB) process-classes jib:build -Dimage.name=$(IMAGE) $(JIB_FLAGS)

# A short real fuzzing run of every parser (about 10 s a target); `make test` replays the corpus.
fuzz:
	./.ci/fuzz

demo: build
	./sample-data/run-demo.sh build/demo/opt_ml

demo-s3: build
	./sample-data/run-demo-s3.sh

bench:
	./bench/run.sh

bench-serve:
	./bench/serve.sh

clean:
	rm -rf build algorithm/target target
