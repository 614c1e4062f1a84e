# Blackman windows taper to zero at both ends; compare the symmetric and periodic forms.
puts [torch::tensor_print [torch::blackman_window 5 float64 cpu 0]]
puts [torch::tensor_print [torch::blackmanWindow -windowLength 4]]
