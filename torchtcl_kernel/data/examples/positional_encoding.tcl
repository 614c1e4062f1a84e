# Sinusoidal position codes for 4 positions and 6 features (no dropout): row 0 alternates 0 and 1.
set pe [torch::positional_encoding -seqLen 4 -dModel 6 -dropout 0.0]
puts [torch::tensor_print $pe]
