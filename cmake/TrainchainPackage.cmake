# cmake/TrainchainPackage.cmake - CPack: `make package` builds the Debian packages
#   trainchain      the binary and its bash completion (component cli); its Depends line is
#                   computed by dpkg-shlibdeps from the libraries the binary links (libtorch, ...);
#   trainchain-dev  the VM and compiler libraries, their headers and the CMake package (vm, compiler).
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME trainchain)
set(CPACK_PACKAGE_VENDOR trainchain)
set(CPACK_PACKAGE_CONTACT "trainchain developers <trainchain@localhost>")
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_STRIP_FILES ON)
set(CPACK_DEB_COMPONENT_INSTALL ON)
set(CPACK_COMPONENTS_ALL cli vm compiler)
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)  # <name>_<version>_<arch>.deb
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)

set(CPACK_DEBIAN_CLI_PACKAGE_NAME trainchain)
set(CPACK_DEBIAN_CLI_PACKAGE_SECTION science)
# The first line of a description is its synopsis (CPACK_PACKAGE_DESCRIPTION_SUMMARY is left unset).
set(CPACK_DEBIAN_CLI_DESCRIPTION "training history kept in a private proof-of-work blockchain
The `trainchain` command: the contract compiler and EVM, the chain, the libtorch training
server, user nodes over NATS, reports and the HTTP API.")
# Static libraries and headers: dpkg-shlibdeps finds nothing to read, so the build dependencies of
# the exported targets (see trainchain-config.cmake.in) are listed here.
set(CPACK_DEBIAN_DEV_PACKAGE_NAME trainchain-dev)
set(CPACK_DEBIAN_DEV_PACKAGE_DEPENDS
    "libboost-dev (>= 1.74), nlohmann-json3-dev (>= 3), libssl-dev, libsecp256k1-dev, libgmp-dev, pkg-config")
set(CPACK_DEBIAN_DEV_DESCRIPTION "trainchain's EVM and contract compiler as static libraries
Headers, static libraries and the CMake package of trainchain's VM and compiler:
find_package(trainchain CONFIG REQUIRED COMPONENTS vm compiler).")

include(CPack)
cpack_add_component_group(dev)
cpack_add_component(cli DISPLAY_NAME "trainchain command")
cpack_add_component(vm GROUP dev)
cpack_add_component(compiler GROUP dev DEPENDS vm)
