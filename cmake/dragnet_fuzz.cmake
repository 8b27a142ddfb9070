# dragnet_fuzz_target(NAME <name> SOURCES ... DEPS ...)
#
# With DRAGNET_FUZZ (clang): a libFuzzer binary <name>_fuzz. Run it as
#   build/fuzz/tests/fuzz/<name>_fuzz tests/fuzz/corpus/<name>
# Otherwise, in test builds: the same target linked with a standalone main() that replays the
# committed corpus tests/fuzz/corpus/<name>/ as an ordinary ctest test (label "fuzz").
function(dragnet_fuzz_target)
  cmake_parse_arguments(ARG "" "NAME" "SOURCES;DEPS" ${ARGN})
  set(corpus ${PROJECT_SOURCE_DIR}/tests/fuzz/corpus/${ARG_NAME})
  if(DRAGNET_FUZZ)
    add_executable(${ARG_NAME}_fuzz ${ARG_SOURCES})
    target_compile_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer)
    target_link_options(${ARG_NAME}_fuzz PRIVATE -fsanitize=fuzzer)
    target_link_libraries(${ARG_NAME}_fuzz PRIVATE ${ARG_DEPS})
  elseif(DRAGNET_TESTS)
    add_executable(${ARG_NAME}_replay ${ARG_SOURCES} ${PROJECT_SOURCE_DIR}/tests/fuzz/standalone_main.cc)
    target_link_libraries(${ARG_NAME}_replay PRIVATE ${ARG_DEPS})
    add_test(NAME fuzz_replay.${ARG_NAME} COMMAND ${ARG_NAME}_replay ${corpus})
    set_tests_properties(fuzz_replay.${ARG_NAME} PROPERTIES LABELS "fuzz")
  endif()
endfunction()
