# cmake/TrainchainInstall.cmake - install rules and the exported CMake package `trainchain`.
#
# Install components (`cmake --install <build> --component <name>`):
#   vm        libtrainchain_vm.a, the headers of trainchain/vm/, the package's config files and the
#             `trainchain::vm` target;
#   compiler  libtrainchain_compiler.a and its front end, the headers of trainchain/compiler/ and the
#             `trainchain::compiler` target (needs vm);
#   cli       the `trainchain` binary, its companion `trainchain-torch` (libexec/trainchain/) and
#             its bash completion.
# Another project then embeds the VM and the compiler with
#   find_package(trainchain CONFIG REQUIRED COMPONENTS vm compiler)
#   target_link_libraries(app PRIVATE trainchain::compiler trainchain::vm)
# (examples/embed/ does; the `install_consumer` test builds it against an installed tree).
include(CMakePackageConfigHelpers)

set(TRAINCHAIN_INSTALL_CMAKEDIR ${CMAKE_INSTALL_LIBDIR}/cmake/trainchain)

set_target_properties(trainchain_vm PROPERTIES EXPORT_NAME vm)
set_target_properties(trainchain_compiler PROPERTIES EXPORT_NAME compiler)
set_target_properties(trainchain_compiler_syntax PROPERTIES EXPORT_NAME compiler_syntax)

# One export set per component; the compiler's refers to trainchain::vm in the vm's. The static
# libraries' private dependencies (OpenSSL, the compiler's front end, Boost, JSON) are in
# the exported link interface; trainchain-config.cmake finds them.
install(TARGETS trainchain_vm EXPORT trainchain-vm-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT vm
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT vm)
# vmtest.hpp belongs to the conformance runner, which is not installed.
install(DIRECTORY ${PROJECT_SOURCE_DIR}/vm/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT vm PATTERN vmtest.hpp EXCLUDE)
install(EXPORT trainchain-vm-targets NAMESPACE trainchain:: DESTINATION ${TRAINCHAIN_INSTALL_CMAKEDIR}
        COMPONENT vm)

install(TARGETS trainchain_compiler trainchain_compiler_syntax EXPORT trainchain-compiler-targets
        ARCHIVE DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT compiler
        LIBRARY DESTINATION ${CMAKE_INSTALL_LIBDIR} COMPONENT compiler)
install(DIRECTORY ${PROJECT_SOURCE_DIR}/compiler/include/ DESTINATION ${CMAKE_INSTALL_INCLUDEDIR}
        COMPONENT compiler)
install(EXPORT trainchain-compiler-targets NAMESPACE trainchain:: DESTINATION ${TRAINCHAIN_INSTALL_CMAKEDIR}
        COMPONENT compiler)

configure_package_config_file(${CMAKE_CURRENT_LIST_DIR}/trainchain-config.cmake.in
                              ${PROJECT_BINARY_DIR}/cmake/trainchain-config.cmake
                              INSTALL_DESTINATION ${TRAINCHAIN_INSTALL_CMAKEDIR})
# 0.x: a minor version may break the API.
write_basic_package_version_file(${PROJECT_BINARY_DIR}/cmake/trainchain-config-version.cmake
                                 COMPATIBILITY SameMinorVersion)
install(FILES ${PROJECT_BINARY_DIR}/cmake/trainchain-config.cmake
              ${PROJECT_BINARY_DIR}/cmake/trainchain-config-version.cmake
        DESTINATION ${TRAINCHAIN_INSTALL_CMAKEDIR} COMPONENT vm)

# The binary, and its bash completion as `trainchain completion bash` prints it (generated in
# cli/CMakeLists.txt at build time).
install(TARGETS trainchain RUNTIME DESTINATION ${CMAKE_INSTALL_BINDIR} COMPONENT cli)
# Its companion for the commands that run libtorch, where `trainchain` looks for it
# (cli/CMakeLists.txt: TRAINCHAIN_TORCH_DIR).
install(TARGETS trainchain_torch RUNTIME DESTINATION ${TRAINCHAIN_TORCH_DIR} COMPONENT cli)
install(FILES ${TRAINCHAIN_BASH_COMPLETION}
        DESTINATION ${CMAKE_INSTALL_DATADIR}/bash-completion/completions COMPONENT cli)
