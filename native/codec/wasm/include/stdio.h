/* Minimal freestanding <stdio.h> for the wasm32 decoder build: nothing is printed. */
#pragma once
