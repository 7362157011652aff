// The machine's measured int8 multiply-accumulate peak on one core: register-
// only loops of independent accumulators, so the result is the execution-port
// limit of the instruction, the ceiling for any kernel built on it.
#pragma once

namespace qrt::bench {

enum class PeakInstruction {
  kVpdpbusdZmm,    // AVX-512 VNNI: 64 u8 x s8 products per instruction
  kVpmaddubswYmm,  // AVX2: vpmaddubsw + vpmaddwd + vpaddd, 32 products per sequence
};

const char* peak_instruction_name(PeakInstruction instruction);

// False when this CPU lacks the instruction.
bool peak_instruction_available(PeakInstruction instruction);

// GOPS (2 ops per multiply-accumulate) over about `seconds` of the loop on
// the calling thread; 0 when the instruction is unavailable.
double measure_peak_gops(PeakInstruction instruction, double seconds);

// The best of the available instructions, measured once per process.
double machine_peak_gops();

}  // namespace qrt::bench
