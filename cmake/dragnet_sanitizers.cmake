# DRAGNET_SANITIZE="address,undefined" instruments every target (including tests), and makes
# any UBSan report fatal so CI cannot pass over one.
if(DRAGNET_SANITIZE)
  add_compile_options(-fsanitize=${DRAGNET_SANITIZE} -fno-omit-frame-pointer
                      -fno-sanitize-recover=all)
  add_link_options(-fsanitize=${DRAGNET_SANITIZE})
endif()
# Coverage instrumentation for libFuzzer in every library the fuzz targets link.
if(DRAGNET_FUZZ)
  add_compile_options(-fsanitize=fuzzer-no-link)
endif()
