# Regression inputs of the fuzz targets (tests/fuzz/regressions/<target>/),
# replayed in every test build: each target's LLVMFuzzerTestOneInput is linked
# with replay_main.cc instead of libFuzzer, so this needs neither clang nor
# libFuzzer, and the ASan + UBSan build of scripts/test.sh replays them under
# the sanitizers. Included from tests/CMakeLists.txt.

set(QRT_FUZZ_DIR ${CMAKE_CURRENT_LIST_DIR})

function(qrt_add_fuzz_replay target)
  set(name qrt_${target}_replay)
  add_executable(${name} ${QRT_FUZZ_DIR}/qrt_${target}_fuzzer.cc ${QRT_FUZZ_DIR}/replay_main.cc)
  target_include_directories(${name} PRIVATE ${PROJECT_SOURCE_DIR})
  target_link_libraries(${name} PRIVATE qrt_warnings ${ARGN})
  add_test(NAME "fuzz regressions: ${target}"
           COMMAND ${name} ${QRT_FUZZ_DIR}/regressions/${target})
endfunction()

qrt_add_fuzz_replay(qfb_load_prepare_invoke qrt)
qrt_add_fuzz_replay(npy qrt_tool_support)
qrt_add_fuzz_replay(image qrt_tool_support)
if(QRT_BUILD_CONVERTER)
  qrt_add_fuzz_replay(tflite_import qrt_tflite_importer qrt_converter_ptq qrt)
  qrt_add_fuzz_replay(onnx_import qrt_onnx_importer qrt_converter_ptq qrt)
endif()
