# Stretch the STFT of a tone: rate 2 halves the frames, rate 0.5 doubles them.
set samples {}
for {set i 0} {$i < 256} {incr i} { lappend samples [expr {sin(2 * acos(-1) * 0.1 * $i)}] }
set S [torch::tensor_stft [torch::tensor_create $samples] 64 32]
puts "frames: [lindex [torch::tensor_shape $S] 1]"
puts "rate 2: [lindex [torch::tensor_shape [torch::time_stretch $S 2.0]] 1]"
puts "rate 0.5: [lindex [torch::tensor_shape [torch::timeStretch -input $S -rate 0.5]] 1]"
