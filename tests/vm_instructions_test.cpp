// tests/vm_instructions_test.cpp - placeholder until the per-opcode gas tests land.
