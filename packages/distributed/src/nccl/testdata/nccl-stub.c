// A stand-in for libnccl.so.2 with NCCL's C ABI (nccl.h, 2.x) and the semantics of a world of one rank
// on host memory, so the koffi declarations of nccl-api.ts are exercised on machines without GPUs:
// the 128-byte unique id by value, out-parameters, size_t counts, enums and error strings.
// Built by load-nccl.test.ts with: cc -shared -fPIC -o libnccl-stub.so nccl-stub.c
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

typedef struct { char internal[128]; } ncclUniqueId;
typedef struct { int nranks; int rank; int destroyed; } stubComm;

static int idByte(int i) { return (i * 7 + 3) & 0x7f; }

int ncclGetVersion(int *version) { *version = 22105; return 0; }

int ncclGetUniqueId(ncclUniqueId *id) {
  for (int i = 0; i < 128; i++) id->internal[i] = (char)idByte(i);
  return 0;
}

// ncclInvalidArgument (4) unless the id arrived intact, by value.
int ncclCommInitRank(stubComm **comm, int nranks, ncclUniqueId id, int rank) {
  for (int i = 0; i < 128; i++) if (id.internal[i] != (char)idByte(i)) return 4;
  if (nranks != 1 || rank != 0) return 4;
  *comm = calloc(1, sizeof(stubComm));
  (*comm)->nranks = nranks;
  (*comm)->rank = rank;
  return 0;
}

int ncclCommDestroy(stubComm *comm) { free(comm); return 0; }
int ncclCommAbort(stubComm *comm) { free(comm); return 0; }
int ncclCommGetAsyncError(stubComm *comm, int *result) { (void)comm; *result = 0; return 0; }
int ncclCommCount(const stubComm *comm, int *count) { *count = comm->nranks; return 0; }
int ncclCommCuDevice(const stubComm *comm, int *device) { (void)comm; *device = 0; return 0; }
int ncclCommUserRank(const stubComm *comm, int *rank) { *rank = comm->rank; return 0; }

const char *ncclGetErrorString(int result) {
  switch (result) {
    case 0: return "no error";
    case 4: return "invalid argument (run with NCCL_DEBUG=WARN for details)";
    default: return "unknown result code";
  }
}

const char *ncclGetLastError(stubComm *comm) { (void)comm; return "stub: only float32 (7) is supported"; }

// One rank: every collective copies its input; only float32 (7) and op 0..4 are accepted.
static int copy(void *send, void *recv, size_t count, int datatype) {
  if (datatype != 7) return 4;
  if (send != recv) memcpy(recv, send, count * 4);
  return 0;
}

int ncclAllReduce(void *send, void *recv, size_t count, int datatype, int op, stubComm *comm, void *stream) {
  (void)comm; (void)stream;
  if (op < 0 || op > 4) return 4;
  return copy(send, recv, count, datatype);
}
int ncclReduceScatter(void *send, void *recv, size_t count, int datatype, int op, stubComm *comm, void *stream) {
  return ncclAllReduce(send, recv, count, datatype, op, comm, stream);
}
int ncclAllGather(void *send, void *recv, size_t count, int datatype, stubComm *comm, void *stream) {
  (void)comm; (void)stream;
  return copy(send, recv, count, datatype);
}
int ncclBroadcast(void *send, void *recv, size_t count, int datatype, int root, stubComm *comm, void *stream) {
  (void)comm; (void)stream;
  if (root != 0) return 4;
  return copy(send, recv, count, datatype);
}
int ncclGroupStart(void) { return 0; }
int ncclGroupEnd(void) { return 0; }
