# Runs one libFuzzer target for a bounded time (the CTest test fuzz_<name>):
#   cmake -DNAME= -DFUZZER= -DCORPUS= -DREGRESSIONS= -DWORK= -DARTIFACTS=
#         -DSECONDS= -P run_fuzzer.cmake
# New inputs go to a scratch copy of the committed corpus under the build
# directory, so the committed corpus never changes during CI.
file(REMOVE_RECURSE ${WORK} ${ARTIFACTS})
file(MAKE_DIRECTORY ${WORK} ${ARTIFACTS})
file(COPY ${CORPUS}/ DESTINATION ${WORK})
set(inputs ${WORK} ${CORPUS})
if(EXISTS ${REGRESSIONS})
  list(APPEND inputs ${REGRESSIONS})
endif()
execute_process(
  COMMAND ${FUZZER} -max_total_time=${SECONDS} -rss_limit_mb=4096
          -timeout=10 -print_final_stats=1 -artifact_prefix=${ARTIFACTS}/
          ${inputs}
  RESULT_VARIABLE rc)
if(NOT rc EQUAL 0)
  file(GLOB found ${ARTIFACTS}/*)
  list(JOIN found "\n  " found_list)
  message(FATAL_ERROR
    "fuzz_${NAME}: ${FUZZER} failed (${rc}).\n"
    "Artifacts (crash-*, leak-*, timeout-*, oom-*) are in ${ARTIFACTS}:\n"
    "  ${found_list}\n"
    "Reproduce with: ${FUZZER} <artifact>\n"
    "Once fixed, commit the input as tests/fuzz/regressions/${NAME}/<name> "
    "so that fuzz_replay_${NAME} keeps covering it.")
endif()
