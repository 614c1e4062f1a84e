# As a layer: normalise each of 3 channels of a batch of images.
torch::manual_seed 15
set images [torch::tensor_add [torch::tensor_mul [torch::randn {4 3 5 5}] 10.0] 2.0]
set bn [torch::batchnorm2d 3]
set out [torch::layer_forward $bn $images]
puts "layer output mean: [format %.3f [torch::tensor_item [torch::tensor_mean $out]]]"
# As a function with our own statistics: training mode moves the running mean (in place)
# 10% of the way from 0 towards each channel's batch mean (about 2): to about 0.2.
set weight [torch::ones {3}]
set bias [torch::zeros {3}]
set running_mean [torch::zeros {3}]
set running_var [torch::ones {3}]
torch::batch_norm2d $images $weight $bias $running_mean $running_var true 0.1
puts "running mean: [lmap v [torch::tensor_to_list $running_mean] {format %.2f $v}]"
