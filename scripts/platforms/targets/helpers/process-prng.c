// A stand-in for Windows' bcryptprimitives.dll, for running under Wine 8.
//
// Rust's standard library (1.78 and later) takes its random bytes from
// ProcessPrng in bcryptprimitives.dll, which Windows 10 has and Wine gained
// only in 9.x. Debian 12's Wine 8 lacks it, so node.exe fails to load a Rust
// addon there. This DLL exports ProcessPrng and fills the buffer from
// RtlGenRandom (exported by advapi32 as SystemFunction036), which Wine has.
// Built by zig at run time (helpers/wine.js); used only by the platforms
// script, never shipped.
#include <windows.h>

BOOLEAN WINAPI SystemFunction036(PVOID buffer, ULONG length);

__declspec(dllexport) BOOL WINAPI ProcessPrng(PBYTE data, SIZE_T length) {
  // RtlGenRandom takes a 32-bit length; larger requests go in chunks.
  while (length > 0) {
    ULONG chunk = length > 0x10000000 ? 0x10000000 : (ULONG)length;
    if (!SystemFunction036(data, chunk)) return FALSE;
    data += chunk;
    length -= chunk;
  }
  return TRUE;
}
