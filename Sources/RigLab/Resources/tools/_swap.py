"""Swap areas of this host: at first use, the uncommented swap lines of /etc/fstab are active (as
after a boot); swapon/swapoff change that in this host's state."""
import _riglab as lab


def fstab_swaps():
    result = []
    try:
        with open("/etc/fstab") as f:
            for line in f:
                fields = line.split()
                if len(fields) >= 3 and not fields[0].startswith("#") and fields[2] == "swap":
                    result.append(fields[0])
    except FileNotFoundError:
        pass
    return result


def active(h):
    if "swaps" not in h:
        h["swaps"] = fstab_swaps()
    return h["swaps"]
