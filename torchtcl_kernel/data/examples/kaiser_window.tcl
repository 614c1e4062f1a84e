# The larger beta, the narrower the Kaiser window's bell.
puts [torch::tensor_print [torch::kaiser_window 6 2.0]]
puts [torch::tensor_print [torch::kaiserWindow -windowLength 6 -beta 10.0 -periodic 0]]
