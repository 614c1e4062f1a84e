# How many threads PyTorch's CPU operations run on.
puts "PyTorch uses [torch::get_num_threads] CPU thread(s)"
