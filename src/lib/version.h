/* SPDX-License-Identifier: GPL-2.0 */
#ifndef DROPSCOPE_VERSION_H
#define DROPSCOPE_VERSION_H

#ifndef DROPSCOPE_VERSION
#define DROPSCOPE_VERSION "0.1"
#endif

#endif /* DROPSCOPE_VERSION_H */
