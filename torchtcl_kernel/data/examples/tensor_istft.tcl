# Round trip: the inverse STFT (same settings, original length) rebuilds the signal.
set x [torch::tensor_create {0.0 0.5 1.0 0.5 0.0 -0.5 -1.0 -0.5 0.0 0.5 1.0 0.5}]
set S [torch::tensor_stft $x 4 1]
set y [torch::tensor_istft -input $S -n_fft 4 -hop_length 1 -length 12]
puts [torch::tensor_print $y]
