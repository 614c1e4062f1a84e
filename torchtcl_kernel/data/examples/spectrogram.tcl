# A 1 kHz tone sampled at 8 kHz with n_fft 64: its power peaks in bin 1000 / 8000 * 64 = 8.
set samples {}
for {set i 0} {$i < 512} {incr i} { lappend samples [expr {sin(2 * acos(-1) * 1000.0 * $i / 8000.0)}] }
set spec [torch::spectrogram [torch::tensor_create $samples] 64 32]
puts "shape [torch::tensor_shape $spec]"
set per_bin [torch::tensor_sum $spec 1]
puts "loudest bin [torch::tensor_item [torch::tensor_argmax $per_bin]]"
