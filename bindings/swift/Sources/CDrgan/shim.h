/* The one header of the CDrgan module: the drgan C API, found on the include path. */
#ifndef DRGAN_SWIFT_SHIM_H
#define DRGAN_SWIFT_SHIM_H
#include <drgan.h>
#endif
