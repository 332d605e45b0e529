#!/usr/bin/env python
from silkbridge.__main__ import main

if __name__ == "__main__":
    main()
