#!/usr/bin/env bash
# Tests of the ./stemtrace launcher: `example --help`, the build stamp (a build without the UI is
# redone once npm can build it), the Maven arguments of a build, and (unless --quick) that the
# example's real runtime classpath holds no test library.
#
#   scripts/test-launcher.sh [--quick]
#
# Prints one PASS/FAIL line per check and `N passed, M failed`; exits 0 only if nothing failed.
set -uo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
QUICK="${1:-}"
passed=0
failed=0
pass() { passed=$((passed + 1)); echo "PASS $1"; }
fail() { failed=$((failed + 1)); echo "FAIL $1: $2"; }

# shellcheck source=../stemtrace
source "$ROOT/stemtrace" # defines the functions only; leaves us in the repository root
set +e

sandbox="$(mktemp -d)"
trap 'rm -rf "$sandbox"' EXIT

# --- example --help -------------------------------------------------------------------------------
out="$("$ROOT/stemtrace" example --help 2>&1)"
rc=$?
if [ $rc -eq 0 ] && grep -q '^usage: ./stemtrace example' <<<"$out" && grep -q 'PORT' <<<"$out"; then
  pass "./stemtrace example --help prints the example's usage"
else
  fail "./stemtrace example --help prints the example's usage" "rc=$rc, output: ${out:0:200}"
fi

# --- the stamp ------------------------------------------------------------------------------------
# a module directory of its own, built "now", so no source is newer than its stamp
module="$sandbox/module"
mkdir -p "$module/target/classes"
touch "$module/pom.xml"
echo "$module/pom.xml" > "$module/target/stemtrace.classpath"
stamp() { printf '%s' "$1" > "$module/target/stemtrace.built"; touch -d '+1 minute' "$module/target/stemtrace.built"; }
expect_build() { # description expected(yes|no) [env...]
  local what="$1" expected="$2"
  shift 2
  local got=no
  if env "$@" bash -c 'source "$1" && needs_build "$2"' launcher-test "$ROOT/stemtrace" "$module"; then got=yes; fi
  if [ "$got" = "$expected" ]; then pass "$what"; else fail "$what" "needs_build said $got"; fi
}
have_npm=yes
command -v npm >/dev/null || have_npm=no

stamp 'frontend=skipped'
if [ $have_npm = yes ]; then
  expect_build "a build without the UI is redone once npm can build it" yes
else
  fail "a build without the UI is redone once npm can build it" "npm is not installed here"
fi
expect_build "a build without the UI stays while STEMTRACE_SKIP_FRONTEND is set" no STEMTRACE_SKIP_FRONTEND=1
# a PATH with what the launcher needs but npm
mkdir -p "$sandbox/no-npm"
for tool in bash env find grep cat dirname; do ln -s "$(command -v "$tool")" "$sandbox/no-npm/$tool"; done
expect_build "a build without the UI stays while npm is missing" no PATH="$sandbox/no-npm"
stamp ''
[ $have_npm = yes ] && expect_build "a stamp of the earlier format (no frontend line) is rebuilt with npm" yes
stamp 'frontend=built'
expect_build "a build with the UI is kept" no
expect_build "a build with the UI is kept when the UI is skipped later" no STEMTRACE_SKIP_FRONTEND=1
touch -d '+2 minutes' "$module/pom.xml"
expect_build "a source newer than the stamp rebuilds" yes
touch -d '-1 minute' "$module/pom.xml"

# --- what build_module runs -----------------------------------------------------------------------
# a stand-in mvn records its arguments and environment; build_module then writes the stamp
build_with() { # env...
  env "$@" bash -c '
    source "$1"
    record="$3"
    mvn() { echo "NO_COLOR=${NO_COLOR:-} $*" > "$record"; }
    build_module "$2" 2>/dev/null' launcher-test "$ROOT/stemtrace" "$module" "$sandbox/build.mvn-args"
}
build_with STEMTRACE_SKIP_FRONTEND=1
args="$(cat "$sandbox/build.mvn-args" 2>/dev/null)"
if grep -qx 'frontend=skipped' "$module/target/stemtrace.built" && grep -q -- '-Dstemtrace.skipFrontend=true' <<<"$args"; then
  pass "a build with STEMTRACE_SKIP_FRONTEND stamps frontend=skipped"
else
  fail "a build with STEMTRACE_SKIP_FRONTEND stamps frontend=skipped" "stamp '$(cat "$module/target/stemtrace.built")', mvn $args"
fi
if [ $have_npm = yes ]; then
  build_with
  args="$(cat "$sandbox/build.mvn-args" 2>/dev/null)"
  if grep -qx 'frontend=built' "$module/target/stemtrace.built" && ! grep -q -- 'skipFrontend' <<<"$args"; then
    pass "a build with npm builds the UI and stamps frontend=built"
  else
    fail "a build with npm builds the UI and stamps frontend=built" "stamp '$(cat "$module/target/stemtrace.built")', mvn $args"
  fi
fi
if grep -q -- ' -DincludeScope=runtime' <<<"$args" && ! grep -q 'mdep.includeScope' <<<"$args"; then
  pass "the classpath is asked for with the plugin's own includeScope property"
else
  fail "the classpath is asked for with the plugin's own includeScope property" "mvn $args"
fi
if grep -q '^NO_COLOR=1 ' <<<"$args" && grep -q -- '-Dstyle.color=never' <<<"$args"; then
  pass "the build runs without colour (NO_COLOR=1, -Dstyle.color=never)"
else
  fail "the build runs without colour (NO_COLOR=1, -Dstyle.color=never)" "mvn $args"
fi

# --- the real classpath of ./stemtrace example ---------------------------------------------------
if [ "$QUICK" != "--quick" ]; then
  cp="$sandbox/example.classpath"
  (cd "$ROOT" && NO_COLOR=1 mvn -B -q -ntp -Dstyle.color=never -DskipTests -Dstemtrace.skipFrontend=true -pl examples -am \
    package dependency:build-classpath -Dmdep.outputFile="$cp" -DincludeScope=runtime >"$sandbox/mvn.log" 2>&1)
  if [ ! -s "$cp" ]; then
    fail "the example's runtime classpath holds no test library" "the build failed: $(tail -5 "$sandbox/mvn.log")"
  else
    found="$(tr ':' '\n' <"$cp" | grep -E '/(junit|opentest4j|assertj|mockito|byte-buddy|apiguardian)[^/]*$|/junit-[^/]*\.jar$|-tests\.jar$|/stemtrace-tests-' || true)"
    if [ -z "$found" ] && tr ':' '\n' <"$cp" | grep -q '/stemtrace-ui-'; then
      pass "the example's runtime classpath holds no test library ($(tr ':' '\n' <"$cp" | wc -l) entries)"
    else
      fail "the example's runtime classpath holds no test library" "$(echo "$found" | sed 's#.*/##' | tr '\n' ' ')"
    fi
    # the build output carries no ANSI escape
    if grep -q $'\e' "$sandbox/mvn.log"; then
      fail "the build prints no ANSI escape" "$(grep -c $'\e' "$sandbox/mvn.log") lines with ESC"
    else
      pass "the build prints no ANSI escape"
    fi
  fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
