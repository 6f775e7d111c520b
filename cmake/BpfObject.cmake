# BPF objects are build targets: vmlinux.h is generated from the running
# kernel's BTF, each *.bpf.c is compiled with clang -target bpf, and
# `bpftool gen skeleton` turns the object into a header the C++ side includes.
find_program(CLANG_BPF clang REQUIRED)
find_program(BPFTOOL bpftool PATHS /usr/sbin /sbin REQUIRED)

set(SKIFF_BPF_GEN_DIR ${CMAKE_BINARY_DIR}/bpf-gen)
set(SKIFF_VMLINUX_H ${SKIFF_BPF_GEN_DIR}/vmlinux.h)
add_custom_command(
  OUTPUT ${SKIFF_VMLINUX_H}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${SKIFF_BPF_GEN_DIR}
  COMMAND ${BPFTOOL} btf dump file /sys/kernel/btf/vmlinux format c > ${SKIFF_VMLINUX_H}.tmp
  COMMAND ${CMAKE_COMMAND} -E rename ${SKIFF_VMLINUX_H}.tmp ${SKIFF_VMLINUX_H}
  COMMENT "Generating vmlinux.h from /sys/kernel/btf/vmlinux"
  VERBATIM)
add_custom_target(skiff_vmlinux DEPENDS ${SKIFF_VMLINUX_H})

# bpf_object(NAME SOURCE): builds NAME.bpf.o and NAME.skel.h, and an INTERFACE
# library `NAME_skel` that gives consumers the skeleton header and libbpf.
function(bpf_object name source)
  set(obj ${SKIFF_BPF_GEN_DIR}/${name}.bpf.o)
  set(skel ${SKIFF_BPF_GEN_DIR}/${name}.skel.h)
  file(GLOB_RECURSE lib_headers CONFIGURE_DEPENDS
       ${CMAKE_SOURCE_DIR}/bpf/lib/*.h ${CMAKE_SOURCE_DIR}/include/skiff/bpf/*.h)
  add_custom_command(
    OUTPUT ${obj}
    COMMAND ${CLANG_BPF} -O2 -g -target bpf -D__TARGET_ARCH_x86 -Wall -Werror
            -I${SKIFF_BPF_GEN_DIR} -I${CMAKE_SOURCE_DIR}/include -I${CMAKE_SOURCE_DIR}/bpf
            -c ${source} -o ${obj}
    DEPENDS ${source} ${lib_headers} ${SKIFF_VMLINUX_H}
    COMMENT "BPF ${name}.bpf.o"
    VERBATIM)
  add_custom_command(
    OUTPUT ${skel}
    COMMAND ${BPFTOOL} gen skeleton ${obj} name ${name} > ${skel}.tmp
    COMMAND ${CMAKE_COMMAND} -E rename ${skel}.tmp ${skel}
    DEPENDS ${obj}
    COMMENT "BPF skeleton ${name}.skel.h"
    VERBATIM)
  add_custom_target(${name}_gen DEPENDS ${skel})
  add_library(${name}_skel INTERFACE)
  add_dependencies(${name}_skel ${name}_gen)
  target_include_directories(${name}_skel INTERFACE ${SKIFF_BPF_GEN_DIR})
  target_link_libraries(${name}_skel INTERFACE PkgConfig::LIBBPF)
  set_property(GLOBAL APPEND PROPERTY SKIFF_BPF_OBJECTS ${obj})
endfunction()
