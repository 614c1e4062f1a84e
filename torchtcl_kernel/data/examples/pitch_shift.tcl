# Shift a 440 Hz tone up an octave: the spectrum's peak moves from bin 28 to bin 56.
set sr 8000
set samples {}
for {set i 0} {$i < 4096} {incr i} { lappend samples [expr {sin(2 * acos(-1) * 437.5 * $i / $sr)}] }
set tone [torch::tensor_create $samples]
set up [torch::pitch_shift -waveform $tone -sampleRate $sr -nSteps 12]
foreach {name x} [list before $tone after $up] {
    set mag [torch::tensor_abs [torch::tensor_rfft [torch::tensor_mul $x [torch::hann_window 4096]] 512]]
    puts "$name: peak at bin [torch::tensor_item [torch::tensor_argmax $mag]] of [torch::tensor_shape $up] samples"
}
