# The STFT of a 200-sample chirp-free tone: 33 frequency bins by 13 frames, complex.
set samples {}
for {set i 0} {$i < 200} {incr i} { lappend samples [expr {sin(2 * acos(-1) * 0.125 * $i)}] }
set x [torch::tensor_create $samples]
set S [torch::tensor_stft $x 64 16]
puts "[torch::tensor_shape $S] [torch::tensor_dtype $S]"
set R [torch::tensorStft -input $x -nfft 64 -hopLength 16 -returnComplex 0]
puts [torch::tensor_shape $R]
